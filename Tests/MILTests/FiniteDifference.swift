import NN

/// Central differences of a scalar objective, the reference the gradient tests compare against.
enum FiniteDifference {
    /// (f(θ + h) − f(θ − h)) / 2h for element `index` of `parameter`, which is restored afterwards.
    static func derivative(of parameter: Parameter, at index: Int, step: Float, _ objective: () -> Float) -> Float {
        let original = parameter.value.storage[index]
        parameter.value.storage[index] = original + step
        let up = objective()
        parameter.value.storage[index] = original - step
        let down = objective()
        parameter.value.storage[index] = original
        return (up - down) / (2 * step)
    }
}
