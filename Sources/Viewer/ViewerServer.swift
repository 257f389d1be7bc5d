import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The viewer's HTTP/1.1 server: SwiftNIO event loops parse requests, a fixed pool of worker
/// threads answers them through a `ViewerRouter` (slide reads block, so they never run on an
/// event loop), and SIGINT or SIGTERM closes the listening socket and lets the server drain.
public final class ViewerServer: @unchecked Sendable {
    /// Largest request body accepted (bytes); the viewer only serves GET, so this only stops
    /// a client from streaming data at it.
    static let maximumBodyBytes = 16 << 10
    /// Requests queued for or running on the worker threads, over all connections; past this
    /// the server answers 503 at once instead of queueing more.
    static let maximumPendingRequests = 512

    private let router: ViewerRouter
    private let group: MultiThreadedEventLoopGroup
    private let workers: NIOThreadPool
    private var channel: Channel?
    private var signalSources: [DispatchSourceSignal] = []

    /// A server for `router` (not yet listening); `workerThreads` answer requests.
    public init(router: ViewerRouter, workerThreads: Int = max(4, ProcessInfo.processInfo.activeProcessorCount * 2)) {
        self.router = router
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)))
        workers = NIOThreadPool(numberOfThreads: workerThreads)
    }

    /// Starts listening on `host`:`port` (0 picks a free port) and returns the bound port.
    /// - Throws: `ViewerError.cannotListen` with the system's reason.
    public func start(host: String, port: Int) throws -> Int {
        workers.start()
        let router = self.router
        let workers = self.workers
        let pending = PendingRequests(limit: Self.maximumPendingRequests)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(ViewerHTTPHandler(router: router, workers: workers, pending: pending))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 1)
        do {
            let channel = try bootstrap.bind(host: host, port: port).wait()
            self.channel = channel
            return channel.localAddress?.port ?? port
        } catch {
            try? shutDownThreads()
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            throw ViewerError.cannotListen(host: host, port: port, reason: reason)
        }
    }

    /// Stops the server on SIGINT (Ctrl-C) or SIGTERM, calling `onSignal` first.
    public func stopOnInterrupt(_ onSignal: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                onSignal()
                self?.stop()
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Closes the listening socket; `waitUntilStopped` then returns.
    public func stop() {
        channel?.close(promise: nil)
    }

    /// Blocks until the server is stopped, then shuts its threads down.
    public func waitUntilStopped() throws {
        try channel?.closeFuture.wait()
        try shutDownThreads()
    }

    private func shutDownThreads() throws {
        try group.syncShutdownGracefully()
        try workers.syncShutdownGracefully()
    }
}

/// One connection's request handling: collects a request (refusing long targets and large
/// bodies), answers it on the worker pool, and writes the answer back on the event loop.
/// NIO's pipelining handler delivers one request at a time per connection.
final class ViewerHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: ViewerRouter
    private let workers: NIOThreadPool
    private let pending: PendingRequests
    private var head: HTTPRequestHead?
    private var bodyBytes = 0

    init(router: ViewerRouter, workers: NIOThreadPool, pending: PendingRequests) {
        self.router = router
        self.workers = workers
        self.pending = pending
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(requestHead):
            head = requestHead
            bodyBytes = 0
        case let .body(buffer):
            bodyBytes += buffer.readableBytes
        case .end:
            guard let head else { return }
            self.head = nil
            if bodyBytes > ViewerServer.maximumBodyBytes {
                write(.text(413, "request body too large"), head: head, context: context, close: true)
            } else if head.uri.utf8.count > ViewerRoute.maximumTargetLength {
                write(.text(414, "request target too long"), head: head, context: context, close: true)
            } else if !pending.enter() {
                write(.text(503, "busy: too many requests pending"), head: head, context: context, close: false)
            } else {
                let router = self.router
                let pending = self.pending
                let future = workers.runIfActive(eventLoop: context.eventLoop) {
                    defer { pending.leave() }
                    return router.respond(method: head.method.rawValue, target: head.uri)
                }
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                future.whenComplete { result in
                    let (handler, context) = bound.value
                    let response = (try? result.get()) ?? .text(503, "shutting down")
                    handler.write(response, head: head, context: context, close: !head.isKeepAlive)
                }
            }
        }
    }

    private func write(_ response: ViewerResponse, head: HTTPRequestHead, context: ChannelHandlerContext, close: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Cache-Control", value: response.cacheControl)
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Connection", value: close ? "close" : "keep-alive")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if close {
            done.futureResult.whenComplete { _ in context.close(promise: nil) }
        }
    }
}

/// A count of requests handed to the worker threads and not yet answered, bounded.
final class PendingRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Counts one more request; false (counting nothing) when `limit` are pending.
    func enter() -> Bool {
        lock.withLock {
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() { lock.withLock { count -= 1 } }
}
