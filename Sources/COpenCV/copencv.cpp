// COpenCV implementation: thin wrappers, every call guarded by try/catch.
#include "copencv.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

namespace {
thread_local std::string last_error;

void clear_error() { last_error.clear(); }

template <typename R, typename F>
R guard(R fail, F &&f) {
    try {
        clear_error();
        return f();
    } catch (const cv::Exception &e) {
        last_error = e.err.empty() ? std::string(e.what()) : e.err;
    } catch (const std::exception &e) {
        last_error = e.what();
    } catch (...) {
        last_error = "unknown C++ exception";
    }
    return fail;
}

void check_image(const uint8_t *p, int width, int height, int stride, int channels) {
    if (p == nullptr) throw std::invalid_argument("null pixel buffer");
    if (width <= 0 || height <= 0) throw std::invalid_argument("image size must be positive");
    if (channels != 1 && channels != 3) throw std::invalid_argument("images must have 1 or 3 channels");
    if (stride < width * channels) throw std::invalid_argument("row stride is smaller than a row");
}
}  // namespace

struct cv_cascade_s {
    cv::CascadeClassifier classifier;
};

extern "C" {

const char *cv_last_error(void) { return last_error.c_str(); }

const char *cv_version_string(void) { return CV_VERSION; }

int cv_set_threads(int n) {
    return guard<int>(-1, [&] {
        cv::setNumThreads(n);
        return 0;
    });
}

int cv_get_threads(void) { return cv::getNumThreads(); }

cv_cascade cv_cascade_load(const char *path) {
    return guard<cv_cascade>(nullptr, [&]() -> cv_cascade {
        if (path == nullptr) throw std::invalid_argument("null path");
        auto *c = new cv_cascade_s();
        bool ok = false;
        try {
            ok = c->classifier.load(path);
        } catch (...) {
            delete c;
            throw;
        }
        if (!ok || c->classifier.empty()) {
            delete c;
            last_error = "not a cascade classifier file OpenCV can load";
            return nullptr;
        }
        return c;
    });
}

void cv_cascade_free(cv_cascade c) { delete c; }

int cv_cascade_detect(cv_cascade c, const uint8_t *gray, int width, int height, int stride,
                      double scale_factor, int min_neighbors, int min_w, int min_h, int max_w, int max_h,
                      int equalize, int32_t *rects, int32_t *neighbours, int capacity) {
    return guard<int>(-1, [&] {
        if (c == nullptr) throw std::invalid_argument("null cascade handle");
        check_image(gray, width, height, stride, 1);
        if (!(scale_factor > 1.0)) throw std::invalid_argument("scale factor must be greater than 1");
        if (min_neighbors < 0) throw std::invalid_argument("minNeighbors must not be negative");
        cv::Mat image(height, width, CV_8UC1, const_cast<uint8_t *>(gray), static_cast<size_t>(stride));
        cv::Mat input = image;
        cv::Mat equalized;
        if (equalize) {
            cv::equalizeHist(image, equalized);
            input = equalized;
        }
        std::vector<cv::Rect> objects;
        std::vector<int> counts;
        c->classifier.detectMultiScale(input, objects, counts, scale_factor, min_neighbors, 0,
                                       cv::Size(std::max(0, min_w), std::max(0, min_h)),
                                       cv::Size(std::max(0, max_w), std::max(0, max_h)));
        int n = static_cast<int>(objects.size());
        int m = std::min(n, std::max(0, capacity));
        for (int i = 0; i < m; i++) {
            if (rects) {
                rects[4 * i] = objects[i].x;
                rects[4 * i + 1] = objects[i].y;
                rects[4 * i + 2] = objects[i].width;
                rects[4 * i + 3] = objects[i].height;
            }
            if (neighbours) neighbours[i] = i < static_cast<int>(counts.size()) ? counts[i] : 0;
        }
        return n;
    });
}

int cv_resize(const uint8_t *src, int width, int height, int stride, int channels,
              uint8_t *dst, int dst_w, int dst_h, int interpolation) {
    return guard<int>(-1, [&] {
        check_image(src, width, height, stride, channels);
        if (dst == nullptr || dst_w <= 0 || dst_h <= 0) throw std::invalid_argument("bad output buffer or size");
        int type = channels == 1 ? CV_8UC1 : CV_8UC3;
        cv::Mat in(height, width, type, const_cast<uint8_t *>(src), static_cast<size_t>(stride));
        cv::Mat out(dst_h, dst_w, type, dst, static_cast<size_t>(dst_w * channels));
        int mode = interpolation == 0 ? cv::INTER_AREA : interpolation == 2 ? cv::INTER_CUBIC : cv::INTER_LINEAR;
        if (dst_w == width && dst_h == height) {
            in.copyTo(out);
        } else {
            cv::resize(in, out, cv::Size(dst_w, dst_h), 0, 0, mode);
        }
        if (out.data != dst) throw std::runtime_error("resize reallocated its output");
        return 0;
    });
}

}  // extern "C"
