// CTorch: a C interface over libtorch (PyTorch's C++ library), in the manner of tch-rs's torch-sys.
//
// Conventions
// - Every handle is opaque. A tensor handle owns one reference to an at::Tensor and is released with
//   ts_free; the Swift layer does that in deinit, so tensors are freed deterministically.
// - No libtorch exception crosses this boundary: every call runs inside try/catch. A failing call returns
//   NULL (handle results) or -1 (int results) and stores libtorch's message, without the C++ backtrace,
//   in a thread-local string read with ts_last_error().
// - Calls that may legitimately return "nothing" (ts_grad on a tensor without a gradient) return NULL
//   with an empty last error; callers distinguish the two with ts_last_error()[0].
#ifndef TAKESENSE_CTORCH_H
#define TAKESENSE_CTORCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ts_tensor_s *ts_tensor;
typedef struct ts_optimizer_s *ts_optimizer;

// Scalar types (TakeSense's own codes, stable across libtorch versions).
enum {
    TS_FLOAT32 = 0, TS_FLOAT16 = 1, TS_BFLOAT16 = 2, TS_INT64 = 3, TS_BOOL = 4,
    TS_UINT8 = 5, TS_INT32 = 6, TS_FLOAT64 = 7
};
// Device types. The index is ignored for CPU.
enum { TS_CPU = 0, TS_CUDA = 1 };

// ---- Errors and runtime ------------------------------------------------------------------------
const char *ts_last_error(void);
void ts_clear_error(void);
const char *ts_version(void);
/// libtorch's build configuration (torch::show_config()); caller frees with ts_free_string.
char *ts_build_config(void);
void ts_free_string(char *s);
int ts_set_num_threads(int n);
int ts_get_num_threads(void);
int ts_manual_seed(uint64_t seed);
/// Enables or disables gradient recording for this thread; returns the previous state (0/1).
int ts_set_grad_enabled(int enabled);
int ts_is_grad_enabled(void);
int ts_cuda_is_available(void);

// ---- Autocast (mixed precision on CPU) -------------------------------------------------------------
// libtorch's autocast state is thread-local: it applies to operations run on the calling thread only.
/// Sets CPU autocast on or off with the given lower-precision dtype (TS_BFLOAT16); the previous state is
/// written to `was_enabled` and `was_dtype` (either may be NULL) so a scope can restore it.
int ts_autocast_set_cpu(int enabled, int dtype, int *was_enabled, int *was_dtype);
int ts_autocast_is_cpu_enabled(void);
/// Nesting depth bookkeeping, as torch.autocast's __enter__/__exit__; decrement returns the new depth.
int ts_autocast_increment_nesting(void);
int ts_autocast_decrement_nesting(void);
/// Drops the cached lower-precision copies of leaf tensors (weights): must run when the outermost
/// autocast scope ends, or the next scope would reuse casts of weights the optimiser has since changed.
void ts_autocast_clear_cache(void);

// ---- Lifetime, creation ---------------------------------------------------------------------------
void ts_free(ts_tensor t);
/// Copies `data` (host memory, C order, dtype `dtype`) into a new CPU tensor.
ts_tensor ts_from_data(const void *data, const int64_t *shape, int ndim, int dtype);
ts_tensor ts_empty(const int64_t *shape, int ndim, int dtype, int device, int index);
ts_tensor ts_zeros(const int64_t *shape, int ndim, int dtype, int device, int index);
ts_tensor ts_ones(const int64_t *shape, int ndim, int dtype, int device, int index);
ts_tensor ts_full(const int64_t *shape, int ndim, double value, int dtype, int device, int index);
ts_tensor ts_rand(const int64_t *shape, int ndim, int dtype, int device, int index);
ts_tensor ts_randn(const int64_t *shape, int ndim, int dtype, int device, int index);
ts_tensor ts_randint(int64_t low, int64_t high, const int64_t *shape, int ndim, int dtype, int device, int index);
ts_tensor ts_randperm(int64_t n, int dtype);
ts_tensor ts_arange(double start, double end, double step, int dtype);
ts_tensor ts_linspace(double start, double end, int64_t steps, int dtype);
ts_tensor ts_hann_window(int64_t length, int periodic, int dtype);

// ---- Inspection, copying ------------------------------------------------------------------------------
int ts_ndim(ts_tensor t);
/// Writes ts_ndim(t) sizes to `out`.
int ts_shape(ts_tensor t, int64_t *out);
int ts_dtype(ts_tensor t);
int ts_device(ts_tensor t, int *index);
int64_t ts_numel(ts_tensor t);
/// Copies the elements (converted to contiguous CPU memory of the tensor's own dtype) into `dst`,
/// which must hold exactly `nbytes` = numel * element size bytes.
int ts_copy_to_host(ts_tensor t, void *dst, size_t nbytes);
int ts_item_double(ts_tensor t, double *out);
int ts_item_int64(ts_tensor t, int64_t *out);
/// A printable description (libtorch's operator<<); caller frees with ts_free_string.
char *ts_description(ts_tensor t);

// ---- Autograd ------------------------------------------------------------------------------------------
int ts_requires_grad(ts_tensor t);
int ts_set_requires_grad(ts_tensor t, int requires);
/// The accumulated gradient, or NULL with an empty last error when there is none.
ts_tensor ts_grad(ts_tensor t);
int ts_zero_grad(ts_tensor t);
/// Backpropagates from `t` (a scalar unless `grad` is given; `grad` may be NULL).
int ts_backward(ts_tensor t, ts_tensor grad, int retain_graph);
ts_tensor ts_detach(ts_tensor t);
int ts_is_leaf(ts_tensor t);

// ---- Conversions, in-place updates -------------------------------------------------------------------
ts_tensor ts_clone(ts_tensor t);
ts_tensor ts_contiguous(ts_tensor t);
/// t.contiguous(memory_format): channels_last != 0 gives NHWC strides for a 4-D tensor (oneDNN's
/// preferred layout for convolutions), 0 gives ordinary row-major.
ts_tensor ts_contiguous_format(ts_tensor t, int channels_last);
/// 1 when t is contiguous in that memory format, 0 when not, -1 on error.
int ts_is_contiguous_format(ts_tensor t, int channels_last);
ts_tensor ts_to_dtype(ts_tensor t, int dtype);
ts_tensor ts_to_device(ts_tensor t, int device, int index);
/// dst.copy_(src) without recording gradients (dst keeps its identity; shapes must match exactly).
int ts_copy_(ts_tensor dst, ts_tensor src);
int ts_fill_(ts_tensor t, double value);
int ts_uniform_(ts_tensor t, double from, double to);
int ts_normal_(ts_tensor t, double mean, double std);
/// Replaces dst's data with src's (param.data = src in PyTorch): shape and dtype may change.
int ts_set_data(ts_tensor dst, ts_tensor src);

// ---- Element-wise ------------------------------------------------------------------------------------------
enum {
    TS_ADD = 0, TS_SUB, TS_MUL, TS_DIV, TS_POW, TS_MAXIMUM, TS_MINIMUM, TS_EQ, TS_NE, TS_LT, TS_LE,
    TS_GT, TS_GE, TS_LOGICAL_AND, TS_LOGICAL_OR, TS_REMAINDER, TS_ATAN2, TS_FLOOR_DIVIDE
};
ts_tensor ts_binary(int op, ts_tensor a, ts_tensor b);
/// op(t, s), or op(s, t) when `reversed` is non-zero.
ts_tensor ts_binary_scalar(int op, ts_tensor t, double s, int reversed);
enum {
    TS_NEG = 0, TS_ABS, TS_EXP, TS_LOG, TS_LOG10, TS_LOG2, TS_SQRT, TS_RSQRT, TS_SIN, TS_COS, TS_TANH,
    TS_SIGMOID, TS_RELU, TS_GELU, TS_GELU_TANH, TS_SILU, TS_SQUARE, TS_FLOOR, TS_CEIL, TS_ROUND,
    TS_SIGN, TS_LOGICAL_NOT, TS_ERF, TS_RECIPROCAL, TS_ISNAN, TS_HARDSWISH, TS_HARDSIGMOID, TS_RELU6,
    TS_LOG1P, TS_EXPM1, TS_ISFINITE
};
ts_tensor ts_unary(int op, ts_tensor t);
ts_tensor ts_leaky_relu(ts_tensor t, double slope);
ts_tensor ts_elu(ts_tensor t, double alpha);
/// clamp(t, min, max); a bound is ignored when its has_ flag is 0.
ts_tensor ts_clamp(ts_tensor t, int has_min, double min, int has_max, double max);
ts_tensor ts_where(ts_tensor cond, ts_tensor a, ts_tensor b);
ts_tensor ts_masked_fill(ts_tensor t, ts_tensor mask, double value);
/// Runs `op` in place on `t` (t.add_(other) etc.): only TS_ADD, TS_SUB, TS_MUL, TS_DIV.
int ts_binary_(int op, ts_tensor t, ts_tensor other);

// ---- Reductions --------------------------------------------------------------------------------------------
enum { TS_SUM = 0, TS_MEAN, TS_AMAX, TS_AMIN, TS_PROD, TS_VAR, TS_STD, TS_LOGSUMEXP, TS_NORM2, TS_ANY, TS_ALL };
/// Reduces over `dims` (all dimensions when ndims == 0). TS_VAR/TS_STD use `correction`
/// (1 = unbiased, as PyTorch's default).
ts_tensor ts_reduce(int op, ts_tensor t, const int64_t *dims, int ndims, int keepdim, int correction);
ts_tensor ts_argmax(ts_tensor t, int64_t dim, int keepdim);
ts_tensor ts_argmin(ts_tensor t, int64_t dim, int keepdim);
int ts_max_dim(ts_tensor t, int64_t dim, int keepdim, ts_tensor *values, ts_tensor *indices);
int ts_topk(ts_tensor t, int64_t k, int64_t dim, int largest, ts_tensor *values, ts_tensor *indices);
int ts_sort(ts_tensor t, int64_t dim, int descending, ts_tensor *values, ts_tensor *indices);
ts_tensor ts_cumsum(ts_tensor t, int64_t dim);
ts_tensor ts_softmax(ts_tensor t, int64_t dim);
ts_tensor ts_log_softmax(ts_tensor t, int64_t dim);

// ---- Linear algebra ------------------------------------------------------------------------------------
ts_tensor ts_matmul(ts_tensor a, ts_tensor b);
/// x @ w^T + b (b may be NULL).
ts_tensor ts_linear(ts_tensor x, ts_tensor w, ts_tensor b);

// ---- Shapes and indexing ---------------------------------------------------------------------------------
ts_tensor ts_reshape(ts_tensor t, const int64_t *shape, int ndim);
ts_tensor ts_permute(ts_tensor t, const int64_t *dims, int ndim);
ts_tensor ts_transpose(ts_tensor t, int64_t d0, int64_t d1);
ts_tensor ts_squeeze(ts_tensor t, int64_t dim);
ts_tensor ts_squeeze_all(ts_tensor t);
ts_tensor ts_unsqueeze(ts_tensor t, int64_t dim);
ts_tensor ts_flatten(ts_tensor t, int64_t start, int64_t end);
ts_tensor ts_expand(ts_tensor t, const int64_t *shape, int ndim);
ts_tensor ts_repeat(ts_tensor t, const int64_t *repeats, int ndim);
ts_tensor ts_cat(const ts_tensor *ts, int n, int64_t dim);
ts_tensor ts_stack(const ts_tensor *ts, int n, int64_t dim);
/// t[start:end:step] along `dim` (Python slice semantics: negative and out-of-range bounds clamp).
ts_tensor ts_slice(ts_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step);
ts_tensor ts_select(ts_tensor t, int64_t dim, int64_t index);
ts_tensor ts_index_select(ts_tensor t, int64_t dim, ts_tensor index);
/// Boolean-mask selection t[mask] (a 1-D result).
ts_tensor ts_masked_select(ts_tensor t, ts_tensor mask);
ts_tensor ts_gather(ts_tensor t, int64_t dim, ts_tensor index);
/// Splits into chunks of `size` along `dim`; writes at most `max` handles and returns the count.
int ts_split(ts_tensor t, int64_t size, int64_t dim, ts_tensor *out, int max);
ts_tensor ts_flip(ts_tensor t, const int64_t *dims, int ndims);
ts_tensor ts_roll(ts_tensor t, int64_t shift, int64_t dim);
/// Pads the last dimensions ((left, right) pairs from the last dimension backwards, as F.pad).
/// mode: 0 constant, 1 reflect, 2 replicate.
ts_tensor ts_pad(ts_tensor t, const int64_t *pad, int npad, int mode, double value);
ts_tensor ts_one_hot(ts_tensor t, int64_t num_classes);
ts_tensor ts_tril(ts_tensor t, int64_t diagonal);

// ---- Neural-network functions ----------------------------------------------------------------------------
ts_tensor ts_conv1d(ts_tensor x, ts_tensor w, ts_tensor b, int64_t stride, int64_t padding, int64_t dilation, int64_t groups);
ts_tensor ts_conv2d(ts_tensor x, ts_tensor w, ts_tensor b, const int64_t *stride, const int64_t *padding,
                    const int64_t *dilation, int64_t groups);
/// Batch normalisation (F.batch_norm). In training mode with running stats, updates them in place.
ts_tensor ts_batch_norm(ts_tensor x, ts_tensor w, ts_tensor b, ts_tensor running_mean, ts_tensor running_var,
                        int training, double momentum, double eps);
ts_tensor ts_layer_norm(ts_tensor x, const int64_t *normalized_shape, int ndim, ts_tensor w, ts_tensor b, double eps);
ts_tensor ts_group_norm(ts_tensor x, int64_t groups, ts_tensor w, ts_tensor b, double eps);
ts_tensor ts_max_pool2d(ts_tensor x, const int64_t *kernel, const int64_t *stride, const int64_t *padding,
                        const int64_t *dilation, int ceil_mode);
ts_tensor ts_avg_pool2d(ts_tensor x, const int64_t *kernel, const int64_t *stride, const int64_t *padding,
                        int ceil_mode, int count_include_pad);
ts_tensor ts_max_pool1d(ts_tensor x, int64_t kernel, int64_t stride, int64_t padding, int ceil_mode);
ts_tensor ts_avg_pool1d(ts_tensor x, int64_t kernel, int64_t stride, int64_t padding, int ceil_mode, int count_include_pad);
ts_tensor ts_adaptive_avg_pool2d(ts_tensor x, const int64_t *output_size);
ts_tensor ts_adaptive_avg_pool1d(ts_tensor x, int64_t output_size);
ts_tensor ts_dropout(ts_tensor x, double p, int training);
/// Bilinear interpolation of an NCHW tensor to (height, width).
ts_tensor ts_interpolate_bilinear(ts_tensor x, int64_t height, int64_t width, int align_corners, int antialias);
ts_tensor ts_interpolate_nearest(ts_tensor x, int64_t height, int64_t width);
/// Cross-entropy over class logits; target holds class indices (int64) or probabilities (float).
/// weight may be NULL. reduction: 0 none, 1 mean, 2 sum.
ts_tensor ts_cross_entropy(ts_tensor logits, ts_tensor target, ts_tensor weight, int reduction,
                           int64_t ignore_index, double label_smoothing);
ts_tensor ts_mse_loss(ts_tensor a, ts_tensor b, int reduction);
ts_tensor ts_binary_cross_entropy_with_logits(ts_tensor logits, ts_tensor target, int reduction);
ts_tensor ts_embedding(ts_tensor weight, ts_tensor indices);
/// Sampling grid for a batch of 2x3 affine matrices theta (N, 2, 3) and output size (N, C, H, W),
/// as F.affine_grid(theta, size, align_corners).
ts_tensor ts_affine_grid(ts_tensor theta, const int64_t *size, int align_corners);
/// F.grid_sample(x, grid, mode, padding_mode, align_corners); mode 0 bilinear, 1 nearest;
/// padding 0 zeros, 1 border, 2 reflection.
ts_tensor ts_grid_sample(ts_tensor x, ts_tensor grid, int mode, int padding_mode, int align_corners);
/// |STFT|^2 of a 1-D or 2-D (batch, samples) signal, as torch.stft(..., center=True, pad_mode="reflect",
/// return_complex=True).abs()**2: (batch, n_fft/2+1, frames).
ts_tensor ts_stft_power(ts_tensor x, int64_t n_fft, int64_t hop, ts_tensor window);

// ---- Optimizers ---------------------------------------------------------------------------------------------
ts_optimizer ts_adam_new(const ts_tensor *params, int n, double lr, double beta1, double beta2, double eps,
                         double weight_decay, int amsgrad);
ts_optimizer ts_adamw_new(const ts_tensor *params, int n, double lr, double beta1, double beta2, double eps,
                          double weight_decay, int amsgrad);
ts_optimizer ts_sgd_new(const ts_tensor *params, int n, double lr, double momentum, double dampening,
                        double weight_decay, int nesterov);
/// Adds a parameter group with its own learning rate and weight decay (other options as the first group).
int ts_optimizer_add_group(ts_optimizer o, const ts_tensor *params, int n, double lr, double weight_decay);
int ts_optimizer_group_count(ts_optimizer o);
int ts_optimizer_set_lr(ts_optimizer o, int group, double lr);
double ts_optimizer_get_lr(ts_optimizer o, int group);
int ts_optimizer_step(ts_optimizer o);
int ts_optimizer_zero_grad(ts_optimizer o);
int ts_optimizer_save(ts_optimizer o, const char *path);
int ts_optimizer_load(ts_optimizer o, const char *path);
void ts_optimizer_free(ts_optimizer o);

#ifdef __cplusplus
}
#endif
#endif
