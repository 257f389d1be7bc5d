#ifndef SLIDEMIL_CHDF5_SHIM_H
#define SLIDEMIL_CHDF5_SHIM_H
#include <hdf5.h>

/* HDF5 spells its constants as macros that call into the library (H5OPEN ...);
   Swift cannot import those, so each is wrapped in a function. */
static inline hid_t slidemil_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t slidemil_h5s_all(void) { return H5S_ALL; }
static inline hid_t slidemil_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t slidemil_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t slidemil_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t slidemil_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t slidemil_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t slidemil_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t slidemil_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline unsigned slidemil_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned slidemil_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned slidemil_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline hsize_t slidemil_h5s_unlimited(void) { return H5S_UNLIMITED; }

/// Silences HDF5's automatic error-stack printing; errors are reported through return codes instead.
static inline void slidemil_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* Collects the descriptions on HDF5's default error stack, innermost first, separated by
   '\n', into `buffer` (always NUL-terminated). Must be called right after the failing call:
   every HDF5 API call clears the stack when it starts. */
typedef struct { char *buffer; size_t size; size_t used; } slidemil_h5_error_text;

static inline herr_t slidemil_h5_collect_error(unsigned n, const H5E_error2_t *error, void *data) {
    (void)n;
    slidemil_h5_error_text *text = (slidemil_h5_error_text *)data;
    const char *desc = error->desc ? error->desc : "";
    while (*desc && text->used + 2 < text->size) { text->buffer[text->used++] = *desc++; }
    if (text->used + 1 < text->size) { text->buffer[text->used++] = '\n'; }
    text->buffer[text->used] = 0;
    return 0;
}

static inline void slidemil_h5_error_stack_text(char *buffer, size_t size) {
    if (size == 0) { return; }
    buffer[0] = 0;
    slidemil_h5_error_text text = { buffer, size, 0 };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, slidemil_h5_collect_error, &text);
}
#endif
