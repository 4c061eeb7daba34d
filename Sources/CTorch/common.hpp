// Internal helpers shared by the CTorch translation units.
#pragma once
#include <torch/torch.h>
#include <string>
#include <vector>
#include "ctorch.h"

namespace ctorch {

void set_error(const std::string &message);

/// Runs `f`, turning any exception into the thread-local last error. `fail` is returned on error.
template <typename R, typename F>
R guard(R fail, F &&f) {
    try {
        ts_clear_error();
        return f();
    } catch (const c10::Error &e) {
        set_error(e.what_without_backtrace());
    } catch (const std::exception &e) {
        set_error(e.what());
    } catch (...) {
        set_error("unknown C++ exception");
    }
    return fail;
}

/// A tensor-returning call: the result is moved to the heap and handed out as an opaque handle.
template <typename F>
ts_tensor tensor_call(F &&f) {
    return guard<ts_tensor>(nullptr, [&]() -> ts_tensor {
        at::Tensor r = f();
        return reinterpret_cast<ts_tensor>(new at::Tensor(std::move(r)));
    });
}

/// An int-returning call: 0 on success, -1 on error.
template <typename F>
int status_call(F &&f) {
    return guard<int>(-1, [&]() -> int { f(); return 0; });
}

inline at::Tensor &T(ts_tensor t) {
    if (t == nullptr) throw std::invalid_argument("null tensor handle");
    return *reinterpret_cast<at::Tensor *>(t);
}
inline c10::optional<at::Tensor> opt(ts_tensor t) {
    if (t == nullptr) return c10::nullopt;
    return *reinterpret_cast<at::Tensor *>(t);
}
inline ts_tensor wrap(at::Tensor t) { return reinterpret_cast<ts_tensor>(new at::Tensor(std::move(t))); }

at::ScalarType scalar_type(int dtype);
int dtype_code(at::ScalarType st);
at::Device device(int type, int index);
inline at::IntArrayRef dims(const int64_t *p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }
inline at::TensorOptions options(int dtype, int dev, int index) {
    return at::TensorOptions().dtype(scalar_type(dtype)).device(device(dev, index));
}

} // namespace ctorch
