// Neural-network functions, optimizers and PyTorch checkpoint loading.
#include "common.hpp"
#include <torch/serialize.h>

using namespace ctorch;

namespace {
at::Tensor undefined_if_null(ts_tensor t) { return t ? T(t) : at::Tensor(); }
at::IntArrayRef two(const int64_t *p) { return at::IntArrayRef(p, 2); }
} // namespace

struct ts_optimizer_s {
    std::unique_ptr<torch::optim::Optimizer> opt;
};


extern "C" {

ts_tensor ts_conv1d(ts_tensor x, ts_tensor w, ts_tensor b, int64_t stride, int64_t padding, int64_t dilation,
                    int64_t groups) {
    return tensor_call([&] { return at::conv1d(T(x), T(w), opt(b), stride, padding, dilation, groups); });
}
ts_tensor ts_conv2d(ts_tensor x, ts_tensor w, ts_tensor b, const int64_t *stride, const int64_t *padding,
                    const int64_t *dilation, int64_t groups) {
    return tensor_call(
        [&] { return at::conv2d(T(x), T(w), opt(b), two(stride), two(padding), two(dilation), groups); });
}
ts_tensor ts_batch_norm(ts_tensor x, ts_tensor w, ts_tensor b, ts_tensor rm, ts_tensor rv, int training,
                        double momentum, double eps) {
    return tensor_call([&] {
        return at::batch_norm(T(x), opt(w), opt(b), opt(rm), opt(rv), training != 0, momentum, eps,
                              /*cudnn_enabled=*/true);
    });
}
ts_tensor ts_layer_norm(ts_tensor x, const int64_t *shape, int ndim, ts_tensor w, ts_tensor b, double eps) {
    return tensor_call([&] { return at::layer_norm(T(x), dims(shape, ndim), opt(w), opt(b), eps); });
}
ts_tensor ts_group_norm(ts_tensor x, int64_t groups, ts_tensor w, ts_tensor b, double eps) {
    return tensor_call([&] { return at::group_norm(T(x), groups, opt(w), opt(b), eps); });
}
ts_tensor ts_max_pool2d(ts_tensor x, const int64_t *k, const int64_t *s, const int64_t *p, const int64_t *d,
                        int ceil_mode) {
    return tensor_call([&] { return at::max_pool2d(T(x), two(k), two(s), two(p), two(d), ceil_mode != 0); });
}
ts_tensor ts_avg_pool2d(ts_tensor x, const int64_t *k, const int64_t *s, const int64_t *p, int ceil_mode,
                        int count_include_pad) {
    return tensor_call(
        [&] { return at::avg_pool2d(T(x), two(k), two(s), two(p), ceil_mode != 0, count_include_pad != 0); });
}
ts_tensor ts_max_pool1d(ts_tensor x, int64_t k, int64_t s, int64_t p, int ceil_mode) {
    return tensor_call([&] { return at::max_pool1d(T(x), {k}, {s}, {p}, {1}, ceil_mode != 0); });
}
ts_tensor ts_avg_pool1d(ts_tensor x, int64_t k, int64_t s, int64_t p, int ceil_mode, int count_include_pad) {
    return tensor_call([&] { return at::avg_pool1d(T(x), {k}, {s}, {p}, ceil_mode != 0, count_include_pad != 0); });
}
ts_tensor ts_adaptive_avg_pool2d(ts_tensor x, const int64_t *out) {
    return tensor_call([&] { return at::adaptive_avg_pool2d(T(x), two(out)); });
}
ts_tensor ts_adaptive_avg_pool1d(ts_tensor x, int64_t out) {
    return tensor_call([&] { return at::adaptive_avg_pool1d(T(x), {out}); });
}
ts_tensor ts_dropout(ts_tensor x, double p, int training) {
    return tensor_call([&] { return at::dropout(T(x), p, training != 0); });
}
ts_tensor ts_interpolate_bilinear(ts_tensor x, int64_t h, int64_t w, int align_corners, int antialias) {
    return tensor_call([&] {
        std::vector<int64_t> size{h, w};
        if (antialias) return at::_upsample_bilinear2d_aa(T(x), size, align_corners != 0);
        return at::upsample_bilinear2d(T(x), size, align_corners != 0);
    });
}
ts_tensor ts_interpolate_nearest(ts_tensor x, int64_t h, int64_t w) {
    return tensor_call([&] { return at::upsample_nearest2d(T(x), std::vector<int64_t>{h, w}); });
}
ts_tensor ts_cross_entropy(ts_tensor logits, ts_tensor target, ts_tensor weight, int reduction,
                           int64_t ignore_index, double label_smoothing) {
    return tensor_call([&] {
        return at::cross_entropy_loss(T(logits), T(target), opt(weight), reduction, ignore_index, label_smoothing);
    });
}
ts_tensor ts_mse_loss(ts_tensor a, ts_tensor b, int reduction) {
    return tensor_call([&] { return at::mse_loss(T(a), T(b), reduction); });
}
ts_tensor ts_binary_cross_entropy_with_logits(ts_tensor logits, ts_tensor target, int reduction) {
    return tensor_call([&] {
        return at::binary_cross_entropy_with_logits(T(logits), T(target), c10::nullopt, c10::nullopt, reduction);
    });
}
ts_tensor ts_embedding(ts_tensor weight, ts_tensor indices) {
    return tensor_call([&] { return at::embedding(T(weight), T(indices)); });
}
ts_tensor ts_affine_grid(ts_tensor theta, const int64_t *size, int align_corners) {
    return tensor_call([&] { return at::affine_grid_generator(T(theta), at::IntArrayRef(size, 4), align_corners != 0); });
}
ts_tensor ts_grid_sample(ts_tensor x, ts_tensor grid, int mode, int padding_mode, int align_corners) {
    return tensor_call([&] { return at::grid_sampler(T(x), T(grid), mode, padding_mode, align_corners != 0); });
}
ts_tensor ts_stft_power(ts_tensor x, int64_t n_fft, int64_t hop, ts_tensor window) {
    return tensor_call([&] {
        at::Tensor sig = T(x);
        bool one = sig.dim() == 1;
        if (one) sig = sig.unsqueeze(0);
        // center=True with reflect padding, as torch.stft's defaults.
        int64_t pad = n_fft / 2;
        sig = torch::nn::functional::pad(sig.unsqueeze(1),
                                         torch::nn::functional::PadFuncOptions({pad, pad}).mode(torch::kReflect))
                  .squeeze(1);
        at::Tensor spec = at::stft(sig, n_fft, hop, n_fft, opt(window), /*normalized=*/false, /*onesided=*/true,
                                   /*return_complex=*/true);
        at::Tensor power = at::real(spec).square() + at::imag(spec).square();
        return one ? power.squeeze(0) : power;
    });
}

// ---- Optimizers ----
static std::vector<at::Tensor> params(const ts_tensor *ps, int n) {
    std::vector<at::Tensor> v;
    for (int i = 0; i < n; ++i) v.push_back(T(ps[i]));
    return v;
}
static ts_optimizer make(std::function<torch::optim::Optimizer *()> f) {
    return guard<ts_optimizer>(nullptr, [&]() -> ts_optimizer {
        auto *o = new ts_optimizer_s;
        o->opt.reset(f());
        return o;
    });
}
ts_optimizer ts_adam_new(const ts_tensor *ps, int n, double lr, double b1, double b2, double eps, double wd,
                         int amsgrad) {
    return make([&] {
        return new torch::optim::Adam(
            params(ps, n),
            torch::optim::AdamOptions(lr).betas({b1, b2}).eps(eps).weight_decay(wd).amsgrad(amsgrad != 0));
    });
}
ts_optimizer ts_adamw_new(const ts_tensor *ps, int n, double lr, double b1, double b2, double eps, double wd,
                          int amsgrad) {
    return make([&] {
        return new torch::optim::AdamW(
            params(ps, n),
            torch::optim::AdamWOptions(lr).betas({b1, b2}).eps(eps).weight_decay(wd).amsgrad(amsgrad != 0));
    });
}
ts_optimizer ts_sgd_new(const ts_tensor *ps, int n, double lr, double momentum, double dampening, double wd,
                        int nesterov) {
    return make([&] {
        return new torch::optim::SGD(params(ps, n), torch::optim::SGDOptions(lr)
                                                        .momentum(momentum)
                                                        .dampening(dampening)
                                                        .weight_decay(wd)
                                                        .nesterov(nesterov != 0));
    });
}
static torch::optim::OptimizerOptions &group_options(ts_optimizer o, int group) {
    if (!o) throw std::invalid_argument("null optimizer handle");
    auto &groups = o->opt->param_groups();
    if (group < 0 || group >= static_cast<int>(groups.size()))
        throw std::out_of_range("parameter group " + std::to_string(group) + " of " + std::to_string(groups.size()));
    return groups[group].options();
}
int ts_optimizer_add_group(ts_optimizer o, const ts_tensor *ps, int n, double lr, double wd) {
    return status_call([&] {
        auto opts = group_options(o, 0).clone();
        opts->set_lr(lr);
        if (auto *a = dynamic_cast<torch::optim::AdamOptions *>(opts.get())) a->weight_decay(wd);
        else if (auto *w = dynamic_cast<torch::optim::AdamWOptions *>(opts.get())) w->weight_decay(wd);
        else if (auto *s = dynamic_cast<torch::optim::SGDOptions *>(opts.get())) s->weight_decay(wd);
        o->opt->add_param_group(torch::optim::OptimizerParamGroup(params(ps, n), std::move(opts)));
    });
}
int ts_optimizer_group_count(ts_optimizer o) {
    return guard<int>(-1, [&] { return static_cast<int>(o->opt->param_groups().size()); });
}
int ts_optimizer_set_lr(ts_optimizer o, int group, double lr) {
    return status_call([&] { group_options(o, group).set_lr(lr); });
}
double ts_optimizer_get_lr(ts_optimizer o, int group) {
    return guard<double>(-1.0, [&] { return group_options(o, group).get_lr(); });
}
int ts_optimizer_step(ts_optimizer o) { return status_call([&] { o->opt->step(); }); }
int ts_optimizer_zero_grad(ts_optimizer o) { return status_call([&] { o->opt->zero_grad(); }); }
int ts_optimizer_save(ts_optimizer o, const char *path) {
    return status_call([&] {
        torch::serialize::OutputArchive archive;
        o->opt->save(archive);
        archive.save_to(std::string(path));
    });
}
int ts_optimizer_load(ts_optimizer o, const char *path) {
    return status_call([&] {
        torch::serialize::InputArchive archive;
        archive.load_from(std::string(path));
        o->opt->load(archive);
    });
}
void ts_optimizer_free(ts_optimizer o) { delete o; }

} // extern "C"
