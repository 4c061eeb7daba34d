// Tensors: runtime settings, creation, inspection, autograd, element-wise ops, reductions, shapes.
#include "common.hpp"
#include <ATen/autocast_mode.h>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

namespace ctorch {

static thread_local std::string last_error;

void set_error(const std::string &message) { last_error = message.empty() ? "libtorch error" : message; }

at::ScalarType scalar_type(int dtype) {
    switch (dtype) {
    case TS_FLOAT32: return at::kFloat;
    case TS_FLOAT16: return at::kHalf;
    case TS_BFLOAT16: return at::kBFloat16;
    case TS_INT64: return at::kLong;
    case TS_BOOL: return at::kBool;
    case TS_UINT8: return at::kByte;
    case TS_INT32: return at::kInt;
    case TS_FLOAT64: return at::kDouble;
    }
    throw std::invalid_argument("unknown dtype code " + std::to_string(dtype));
}

int dtype_code(at::ScalarType st) {
    switch (st) {
    case at::kFloat: return TS_FLOAT32;
    case at::kHalf: return TS_FLOAT16;
    case at::kBFloat16: return TS_BFLOAT16;
    case at::kLong: return TS_INT64;
    case at::kBool: return TS_BOOL;
    case at::kByte: return TS_UINT8;
    case at::kInt: return TS_INT32;
    case at::kDouble: return TS_FLOAT64;
    default: throw std::invalid_argument(std::string("unsupported scalar type ") + c10::toString(st));
    }
}

at::Device device(int type, int index) {
    switch (type) {
    case TS_CPU: return at::Device(at::kCPU);
    case TS_CUDA: return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    throw std::invalid_argument("unknown device type " + std::to_string(type));
}

// libtorch starts with one intra-op thread on small machines. Use every core unless
// TAKESENSE_THREADS says otherwise; the Swift layer may change it later.
namespace {
struct ThreadDefault {
    ThreadDefault() {
        int n = static_cast<int>(std::thread::hardware_concurrency());
        // The same bound as --threads (4 per core, at most 256): 100,000 threads ran for minutes on a
        // 3 s take. Out-of-range values are ignored here; the command line reports them as an error.
        const int cap = std::min(256, 4 * std::max(1, n));
        if (const char *env = std::getenv("TAKESENSE_THREADS")) {
            char *end = nullptr;
            long v = std::strtol(env, &end, 10);
            if (end != env && *end == '\0' && v >= 1 && v <= cap) n = static_cast<int>(v);
        }
        if (n > 0) {
            try { at::set_num_threads(n); } catch (...) {}
        }
    }
};
ThreadDefault thread_default;
} // namespace

} // namespace ctorch

using namespace ctorch;

extern "C" {

// ---- Errors and runtime ----
const char *ts_last_error(void) { return ctorch::last_error.c_str(); }
void ts_clear_error(void) { ctorch::last_error.clear(); }
const char *ts_version(void) { return TORCH_VERSION; }
static char *dup_string(const std::string &s) {
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p) std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}
char *ts_build_config(void) {
    return guard<char *>(nullptr, [&]() -> char * { return dup_string(torch::show_config()); });
}
void ts_free_string(char *s) { std::free(s); }
int ts_set_num_threads(int n) {
    return status_call([&] {
        if (n < 1) throw std::invalid_argument("thread count must be at least 1, got " + std::to_string(n));
        at::set_num_threads(n);
    });
}
int ts_get_num_threads(void) { return at::get_num_threads(); }
int ts_manual_seed(uint64_t seed) { return status_call([&] { torch::manual_seed(seed); }); }
int ts_set_grad_enabled(int enabled) {
    bool prev = c10::GradMode::is_enabled();
    c10::GradMode::set_enabled(enabled != 0);
    return prev ? 1 : 0;
}
int ts_is_grad_enabled(void) { return c10::GradMode::is_enabled() ? 1 : 0; }
int ts_cuda_is_available(void) { return torch::cuda::is_available() ? 1 : 0; }

// ---- Autocast ----
int ts_autocast_set_cpu(int enabled, int dtype, int *was_enabled, int *was_dtype) {
    return status_call([&] {
        if (was_enabled) *was_enabled = at::autocast::is_cpu_enabled() ? 1 : 0;
        if (was_dtype) *was_dtype = dtype_code(at::autocast::get_autocast_cpu_dtype());
        at::ScalarType st = scalar_type(dtype);
        if (st != at::kBFloat16) throw std::invalid_argument("CPU autocast supports bfloat16 only in libtorch 1.13");
        at::autocast::set_autocast_cpu_dtype(st);
        at::autocast::set_cpu_enabled(enabled != 0);
    });
}
int ts_autocast_is_cpu_enabled(void) { return at::autocast::is_cpu_enabled() ? 1 : 0; }
int ts_autocast_increment_nesting(void) { return at::autocast::increment_nesting(); }
int ts_autocast_decrement_nesting(void) { return at::autocast::decrement_nesting(); }
void ts_autocast_clear_cache(void) { at::autocast::clear_cache(); }

// ---- Lifetime, creation ----
void ts_free(ts_tensor t) { delete reinterpret_cast<at::Tensor *>(t); }

ts_tensor ts_from_data(const void *data, const int64_t *shape, int ndim, int dtype) {
    return tensor_call([&] {
        auto opts = at::TensorOptions().dtype(scalar_type(dtype));
        at::Tensor out = at::empty(dims(shape, ndim), opts);
        size_t nbytes = static_cast<size_t>(out.numel()) * out.element_size();
        if (nbytes > 0) {
            if (data == nullptr) throw std::invalid_argument("null data pointer");
            std::memcpy(out.data_ptr(), data, nbytes);
        }
        return out;
    });
}
ts_tensor ts_empty(const int64_t *shape, int ndim, int dtype, int dev, int index) {
    return tensor_call([&] { return at::empty(dims(shape, ndim), options(dtype, dev, index)); });
}
ts_tensor ts_zeros(const int64_t *shape, int ndim, int dtype, int dev, int index) {
    return tensor_call([&] { return at::zeros(dims(shape, ndim), options(dtype, dev, index)); });
}
ts_tensor ts_ones(const int64_t *shape, int ndim, int dtype, int dev, int index) {
    return tensor_call([&] { return at::ones(dims(shape, ndim), options(dtype, dev, index)); });
}
ts_tensor ts_full(const int64_t *shape, int ndim, double value, int dtype, int dev, int index) {
    return tensor_call([&] { return at::full(dims(shape, ndim), value, options(dtype, dev, index)); });
}
ts_tensor ts_rand(const int64_t *shape, int ndim, int dtype, int dev, int index) {
    return tensor_call([&] { return at::rand(dims(shape, ndim), options(dtype, dev, index)); });
}
ts_tensor ts_randn(const int64_t *shape, int ndim, int dtype, int dev, int index) {
    return tensor_call([&] { return at::randn(dims(shape, ndim), options(dtype, dev, index)); });
}
ts_tensor ts_randint(int64_t low, int64_t high, const int64_t *shape, int ndim, int dtype, int dev, int index) {
    return tensor_call([&] { return at::randint(low, high, dims(shape, ndim), options(dtype, dev, index)); });
}
ts_tensor ts_randperm(int64_t n, int dtype) {
    return tensor_call([&] { return at::randperm(n, at::TensorOptions().dtype(scalar_type(dtype))); });
}
ts_tensor ts_arange(double start, double end, double step, int dtype) {
    return tensor_call([&] { return at::arange(start, end, step, at::TensorOptions().dtype(scalar_type(dtype))); });
}
ts_tensor ts_linspace(double start, double end, int64_t steps, int dtype) {
    return tensor_call([&] { return at::linspace(start, end, steps, at::TensorOptions().dtype(scalar_type(dtype))); });
}
ts_tensor ts_hann_window(int64_t length, int periodic, int dtype) {
    return tensor_call([&] {
        return at::hann_window(length, periodic != 0, at::TensorOptions().dtype(scalar_type(dtype)));
    });
}

// ---- Inspection ----
int ts_ndim(ts_tensor t) { return guard<int>(-1, [&] { return static_cast<int>(T(t).dim()); }); }
int ts_shape(ts_tensor t, int64_t *out) {
    return status_call([&] {
        auto s = T(t).sizes();
        for (size_t i = 0; i < s.size(); ++i) out[i] = s[i];
    });
}
int ts_dtype(ts_tensor t) { return guard<int>(-1, [&] { return dtype_code(T(t).scalar_type()); }); }
int ts_device(ts_tensor t, int *index) {
    return guard<int>(-1, [&] {
        auto d = T(t).device();
        if (index) *index = d.has_index() ? d.index() : 0;
        return d.is_cuda() ? TS_CUDA : TS_CPU;
    });
}
int64_t ts_numel(ts_tensor t) { return guard<int64_t>(-1, [&] { return T(t).numel(); }); }
int ts_copy_to_host(ts_tensor t, void *dst, size_t nbytes) {
    return status_call([&] {
        at::Tensor c = T(t).detach().to(at::kCPU).contiguous();
        size_t need = static_cast<size_t>(c.numel()) * c.element_size();
        if (need != nbytes)
            throw std::invalid_argument("destination holds " + std::to_string(nbytes) + " bytes, tensor needs " +
                                        std::to_string(need));
        if (need > 0) std::memcpy(dst, c.data_ptr(), need);
    });
}
int ts_item_double(ts_tensor t, double *out) { return status_call([&] { *out = T(t).item<double>(); }); }
int ts_item_int64(ts_tensor t, int64_t *out) { return status_call([&] { *out = T(t).item<int64_t>(); }); }
char *ts_description(ts_tensor t) {
    return guard<char *>(nullptr, [&]() -> char * {
        std::ostringstream os;
        os << T(t);
        return dup_string(os.str());
    });
}

// ---- Autograd ----
int ts_requires_grad(ts_tensor t) { return guard<int>(-1, [&] { return T(t).requires_grad() ? 1 : 0; }); }
int ts_set_requires_grad(ts_tensor t, int requires) {
    return status_call([&] { T(t).set_requires_grad(requires != 0); });
}
ts_tensor ts_grad(ts_tensor t) {
    return guard<ts_tensor>(nullptr, [&]() -> ts_tensor {
        const at::Tensor &g = T(t).grad();
        if (!g.defined()) return nullptr;
        return wrap(g);
    });
}
int ts_zero_grad(ts_tensor t) {
    return status_call([&] {
        auto &g = T(t).mutable_grad();
        if (g.defined()) g.reset();
    });
}
int ts_backward(ts_tensor t, ts_tensor grad, int retain_graph) {
    return status_call([&] {
        auto g = opt(grad);
        T(t).backward(g.has_value() ? *g : at::Tensor(), retain_graph != 0);
    });
}
ts_tensor ts_detach(ts_tensor t) { return tensor_call([&] { return T(t).detach(); }); }
int ts_is_leaf(ts_tensor t) { return guard<int>(-1, [&] { return T(t).is_leaf() ? 1 : 0; }); }

// ---- Conversions, in-place ----
ts_tensor ts_clone(ts_tensor t) { return tensor_call([&] { return T(t).clone(); }); }
ts_tensor ts_contiguous(ts_tensor t) { return tensor_call([&] { return T(t).contiguous(); }); }
ts_tensor ts_contiguous_format(ts_tensor t, int channels_last) {
    return tensor_call([&] {
        return T(t).contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
    });
}
int ts_is_contiguous_format(ts_tensor t, int channels_last) {
    return guard<int>(-1, [&] {
        return T(t).is_contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous) ? 1 : 0;
    });
}
ts_tensor ts_to_dtype(ts_tensor t, int dtype) { return tensor_call([&] { return T(t).to(scalar_type(dtype)); }); }
ts_tensor ts_to_device(ts_tensor t, int dev, int index) {
    return tensor_call([&] { return T(t).to(device(dev, index)); });
}
int ts_copy_(ts_tensor dst, ts_tensor src) {
    return status_call([&] {
        at::Tensor &d = T(dst);
        const at::Tensor &s = T(src);
        if (d.sizes() != s.sizes()) {
            std::ostringstream os;
            os << "shape mismatch: destination " << d.sizes() << ", source " << s.sizes();
            throw std::invalid_argument(os.str());
        }
        at::NoGradGuard no_grad;
        d.copy_(s);
    });
}
int ts_fill_(ts_tensor t, double value) {
    return status_call([&] { at::NoGradGuard g; T(t).fill_(value); });
}
int ts_uniform_(ts_tensor t, double from, double to) {
    return status_call([&] { at::NoGradGuard g; T(t).uniform_(from, to); });
}
int ts_normal_(ts_tensor t, double mean, double std) {
    return status_call([&] { at::NoGradGuard g; T(t).normal_(mean, std); });
}
int ts_set_data(ts_tensor dst, ts_tensor src) { return status_call([&] { T(dst).set_data(T(src)); }); }

// ---- Element-wise ----
static at::Tensor binary(int op, const at::Tensor &a, const at::Tensor &b) {
    switch (op) {
    case TS_ADD: return at::add(a, b);
    case TS_SUB: return at::sub(a, b);
    case TS_MUL: return at::mul(a, b);
    case TS_DIV: return at::div(a, b);
    case TS_POW: return at::pow(a, b);
    case TS_MAXIMUM: return at::maximum(a, b);
    case TS_MINIMUM: return at::minimum(a, b);
    case TS_EQ: return at::eq(a, b);
    case TS_NE: return at::ne(a, b);
    case TS_LT: return at::lt(a, b);
    case TS_LE: return at::le(a, b);
    case TS_GT: return at::gt(a, b);
    case TS_GE: return at::ge(a, b);
    case TS_LOGICAL_AND: return at::logical_and(a, b);
    case TS_LOGICAL_OR: return at::logical_or(a, b);
    case TS_REMAINDER: return at::remainder(a, b);
    case TS_ATAN2: return at::atan2(a, b);
    case TS_FLOOR_DIVIDE: return at::div(a, b, "floor");
    }
    throw std::invalid_argument("unknown binary op " + std::to_string(op));
}
ts_tensor ts_binary(int op, ts_tensor a, ts_tensor b) { return tensor_call([&] { return binary(op, T(a), T(b)); }); }
ts_tensor ts_binary_scalar(int op, ts_tensor t, double s, int reversed) {
    return tensor_call([&] {
        const at::Tensor &x = T(t);
        // A wrapped-number scalar tensor keeps the tensor's dtype, as Python scalars do.
        at::Tensor st = at::scalar_tensor(s, x.options().dtype(at::kDouble));
        st.unsafeGetTensorImpl()->set_wrapped_number(true);
        if (x.is_floating_point() || std::floor(s) != s) {
            // fine as is: type promotion treats wrapped numbers like Python scalars
        } else {
            st = at::scalar_tensor(static_cast<int64_t>(s), x.options().dtype(at::kLong));
            st.unsafeGetTensorImpl()->set_wrapped_number(true);
        }
        return reversed ? binary(op, st, x) : binary(op, x, st);
    });
}
ts_tensor ts_unary(int op, ts_tensor tt) {
    return tensor_call([&]() -> at::Tensor {
        const at::Tensor &t = T(tt);
        switch (op) {
        case TS_NEG: return at::neg(t);
        case TS_ABS: return at::abs(t);
        case TS_EXP: return at::exp(t);
        case TS_LOG: return at::log(t);
        case TS_LOG10: return at::log10(t);
        case TS_LOG2: return at::log2(t);
        case TS_SQRT: return at::sqrt(t);
        case TS_RSQRT: return at::rsqrt(t);
        case TS_SIN: return at::sin(t);
        case TS_COS: return at::cos(t);
        case TS_TANH: return at::tanh(t);
        case TS_SIGMOID: return at::sigmoid(t);
        case TS_RELU: return at::relu(t);
        case TS_GELU: return at::gelu(t, "none");
        case TS_GELU_TANH: return at::gelu(t, "tanh");
        case TS_SILU: return at::silu(t);
        case TS_SQUARE: return at::square(t);
        case TS_FLOOR: return at::floor(t);
        case TS_CEIL: return at::ceil(t);
        case TS_ROUND: return at::round(t);
        case TS_SIGN: return at::sign(t);
        case TS_LOGICAL_NOT: return at::logical_not(t);
        case TS_ERF: return at::erf(t);
        case TS_RECIPROCAL: return at::reciprocal(t);
        case TS_ISNAN: return at::isnan(t);
        case TS_HARDSWISH: return at::hardswish(t);
        case TS_HARDSIGMOID: return at::hardsigmoid(t);
        case TS_RELU6: return at::hardtanh(t, 0.0, 6.0);
        case TS_LOG1P: return at::log1p(t);
        case TS_EXPM1: return at::expm1(t);
        case TS_ISFINITE: return at::isfinite(t);
        }
        throw std::invalid_argument("unknown unary op " + std::to_string(op));
    });
}
ts_tensor ts_leaky_relu(ts_tensor t, double slope) { return tensor_call([&] { return at::leaky_relu(T(t), slope); }); }
ts_tensor ts_elu(ts_tensor t, double alpha) { return tensor_call([&] { return at::elu(T(t), alpha); }); }
ts_tensor ts_clamp(ts_tensor t, int has_min, double mn, int has_max, double mx) {
    return tensor_call([&] {
        c10::optional<at::Scalar> lo, hi;
        if (has_min) lo = mn;
        if (has_max) hi = mx;
        return at::clamp(T(t), lo, hi);
    });
}
ts_tensor ts_where(ts_tensor c, ts_tensor a, ts_tensor b) { return tensor_call([&] { return at::where(T(c), T(a), T(b)); }); }
ts_tensor ts_masked_fill(ts_tensor t, ts_tensor mask, double value) {
    return tensor_call([&] { return T(t).masked_fill(T(mask), value); });
}
int ts_binary_(int op, ts_tensor t, ts_tensor other) {
    return status_call([&] {
        at::Tensor &x = T(t);
        const at::Tensor &o = T(other);
        switch (op) {
        case TS_ADD: x.add_(o); return;
        case TS_SUB: x.sub_(o); return;
        case TS_MUL: x.mul_(o); return;
        case TS_DIV: x.div_(o); return;
        }
        throw std::invalid_argument("unsupported in-place op " + std::to_string(op));
    });
}

// ---- Reductions ----
ts_tensor ts_reduce(int op, ts_tensor tt, const int64_t *d, int nd, int keepdim, int correction) {
    return tensor_call([&]() -> at::Tensor {
        const at::Tensor &t = T(tt);
        bool all = nd == 0;
        std::vector<int64_t> alld;
        if (all) for (int64_t i = 0; i < t.dim(); ++i) alld.push_back(i);
        at::IntArrayRef ds = all ? at::IntArrayRef(alld) : dims(d, nd);
        bool kd = keepdim != 0;
        switch (op) {
        case TS_SUM: return all && !kd ? t.sum() : t.sum(ds, kd);
        case TS_MEAN: return all && !kd ? t.mean() : t.mean(ds, kd);
        case TS_AMAX: return t.amax(ds, kd);
        case TS_AMIN: return t.amin(ds, kd);
        case TS_PROD: {
            if (all && !kd) return t.prod();
            at::Tensor r = t;
            std::vector<int64_t> sorted(ds.begin(), ds.end());
            for (auto &x : sorted) if (x < 0) x += t.dim();
            std::sort(sorted.rbegin(), sorted.rend());
            for (auto x : sorted) r = r.prod(x, kd);
            return r;
        }
        case TS_VAR: return at::var(t, at::OptionalIntArrayRef(ds), c10::optional<int64_t>(correction), kd);
        case TS_STD: return at::std(t, at::OptionalIntArrayRef(ds), c10::optional<int64_t>(correction), kd);
        case TS_LOGSUMEXP: return at::logsumexp(t, ds, kd);
        case TS_NORM2: return at::linalg_vector_norm(t, 2, ds, kd);
        case TS_ANY: {
            at::Tensor r = t;
            std::vector<int64_t> sorted(ds.begin(), ds.end());
            for (auto &x : sorted) if (x < 0) x += t.dim();
            std::sort(sorted.rbegin(), sorted.rend());
            for (auto x : sorted) r = r.any(x, kd);
            return r;
        }
        case TS_ALL: {
            at::Tensor r = t;
            std::vector<int64_t> sorted(ds.begin(), ds.end());
            for (auto &x : sorted) if (x < 0) x += t.dim();
            std::sort(sorted.rbegin(), sorted.rend());
            for (auto x : sorted) r = r.all(x, kd);
            return r;
        }
        }
        throw std::invalid_argument("unknown reduction " + std::to_string(op));
    });
}
ts_tensor ts_argmax(ts_tensor t, int64_t dim, int keepdim) { return tensor_call([&] { return T(t).argmax(dim, keepdim != 0); }); }
ts_tensor ts_argmin(ts_tensor t, int64_t dim, int keepdim) { return tensor_call([&] { return T(t).argmin(dim, keepdim != 0); }); }
static int pair_call(ts_tensor *a, ts_tensor *b, const std::function<std::tuple<at::Tensor, at::Tensor>()> &f) {
    return status_call([&] {
        auto r = f();
        *a = wrap(std::get<0>(r));
        *b = wrap(std::get<1>(r));
    });
}
int ts_max_dim(ts_tensor t, int64_t dim, int keepdim, ts_tensor *values, ts_tensor *indices) {
    return pair_call(values, indices, [&] { return at::max(T(t), dim, keepdim != 0); });
}
int ts_topk(ts_tensor t, int64_t k, int64_t dim, int largest, ts_tensor *values, ts_tensor *indices) {
    return pair_call(values, indices, [&] { return at::topk(T(t), k, dim, largest != 0, true); });
}
int ts_sort(ts_tensor t, int64_t dim, int descending, ts_tensor *values, ts_tensor *indices) {
    return pair_call(values, indices, [&] { return at::sort(T(t), /*stable=*/true, dim, descending != 0); });
}
ts_tensor ts_cumsum(ts_tensor t, int64_t dim) { return tensor_call([&] { return at::cumsum(T(t), dim); }); }
ts_tensor ts_softmax(ts_tensor t, int64_t dim) { return tensor_call([&] { return at::softmax(T(t), dim); }); }
ts_tensor ts_log_softmax(ts_tensor t, int64_t dim) { return tensor_call([&] { return at::log_softmax(T(t), dim); }); }

// ---- Linear algebra ----
ts_tensor ts_matmul(ts_tensor a, ts_tensor b) { return tensor_call([&] { return at::matmul(T(a), T(b)); }); }
ts_tensor ts_linear(ts_tensor x, ts_tensor w, ts_tensor b) { return tensor_call([&] { return at::linear(T(x), T(w), opt(b)); }); }

// ---- Shapes, indexing ----
ts_tensor ts_reshape(ts_tensor t, const int64_t *s, int n) { return tensor_call([&] { return T(t).reshape(dims(s, n)); }); }
ts_tensor ts_permute(ts_tensor t, const int64_t *d, int n) { return tensor_call([&] { return T(t).permute(dims(d, n)); }); }
ts_tensor ts_transpose(ts_tensor t, int64_t a, int64_t b) { return tensor_call([&] { return T(t).transpose(a, b); }); }
ts_tensor ts_squeeze(ts_tensor t, int64_t dim) { return tensor_call([&] { return T(t).squeeze(dim); }); }
ts_tensor ts_squeeze_all(ts_tensor t) { return tensor_call([&] { return T(t).squeeze(); }); }
ts_tensor ts_unsqueeze(ts_tensor t, int64_t dim) { return tensor_call([&] { return T(t).unsqueeze(dim); }); }
ts_tensor ts_flatten(ts_tensor t, int64_t s, int64_t e) { return tensor_call([&] { return T(t).flatten(s, e); }); }
ts_tensor ts_expand(ts_tensor t, const int64_t *s, int n) { return tensor_call([&] { return T(t).expand(dims(s, n)); }); }
ts_tensor ts_repeat(ts_tensor t, const int64_t *r, int n) { return tensor_call([&] { return T(t).repeat(dims(r, n)); }); }
static std::vector<at::Tensor> list(const ts_tensor *ts, int n) {
    if (n <= 0) throw std::invalid_argument("expected a non-empty list of tensors");
    std::vector<at::Tensor> v;
    v.reserve(n);
    for (int i = 0; i < n; ++i) v.push_back(T(ts[i]));
    return v;
}
ts_tensor ts_cat(const ts_tensor *ts, int n, int64_t dim) { return tensor_call([&] { return at::cat(list(ts, n), dim); }); }
ts_tensor ts_stack(const ts_tensor *ts, int n, int64_t dim) { return tensor_call([&] { return at::stack(list(ts, n), dim); }); }
ts_tensor ts_slice(ts_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
    return tensor_call([&] { return T(t).slice(dim, start, end, step); });
}
ts_tensor ts_select(ts_tensor t, int64_t dim, int64_t index) { return tensor_call([&] { return T(t).select(dim, index); }); }
ts_tensor ts_index_select(ts_tensor t, int64_t dim, ts_tensor index) {
    return tensor_call([&] { return T(t).index_select(dim, T(index)); });
}
ts_tensor ts_masked_select(ts_tensor t, ts_tensor mask) { return tensor_call([&] { return T(t).masked_select(T(mask)); }); }
ts_tensor ts_gather(ts_tensor t, int64_t dim, ts_tensor index) { return tensor_call([&] { return T(t).gather(dim, T(index)); }); }
int ts_split(ts_tensor t, int64_t size, int64_t dim, ts_tensor *out, int max) {
    return guard<int>(-1, [&] {
        auto parts = T(t).split(size, dim);
        if (static_cast<int>(parts.size()) > max)
            throw std::invalid_argument("split produces " + std::to_string(parts.size()) + " parts, room for " +
                                        std::to_string(max));
        for (size_t i = 0; i < parts.size(); ++i) out[i] = wrap(parts[i]);
        return static_cast<int>(parts.size());
    });
}
ts_tensor ts_flip(ts_tensor t, const int64_t *d, int n) { return tensor_call([&] { return T(t).flip(dims(d, n)); }); }
ts_tensor ts_roll(ts_tensor t, int64_t shift, int64_t dim) { return tensor_call([&] { return T(t).roll(shift, dim); }); }
ts_tensor ts_pad(ts_tensor t, const int64_t *pad, int npad, int mode, double value) {
    return tensor_call([&] {
        namespace F = torch::nn::functional;
        auto o = F::PadFuncOptions(std::vector<int64_t>(pad, pad + npad));
        switch (mode) {
        case 0: o.mode(torch::kConstant).value(value); break;
        case 1: o.mode(torch::kReflect); break;
        case 2: o.mode(torch::kReplicate); break;
        default: throw std::invalid_argument("unknown pad mode " + std::to_string(mode));
        }
        return F::pad(T(t), o);
    });
}
ts_tensor ts_one_hot(ts_tensor t, int64_t n) { return tensor_call([&] { return at::one_hot(T(t), n); }); }
ts_tensor ts_tril(ts_tensor t, int64_t d) { return tensor_call([&] { return at::tril(T(t), d); }); }

} // extern "C"
