// COpenCV: a small C interface over OpenCV 4 (Debian's libopencv-dev) for face detection: the Haar
// cascade detector (objdetect) and image resizing (imgproc).
//
// Conventions (as CTorch's):
// - Handles are opaque; a cascade is released with cv_cascade_free.
// - No C++ exception crosses this boundary: every call runs inside try/catch. A failing call returns
//   NULL (handle results) or -1 (int results) and stores OpenCV's message in a thread-local string
//   read with cv_last_error().
// - Pixel buffers are 8-bit, row-major, `stride` bytes per row, `channels` (1 or 3) bytes per pixel.
#ifndef TAKESENSE_COPENCV_H
#define TAKESENSE_COPENCV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cv_cascade_s *cv_cascade;

const char *cv_last_error(void);
/// OpenCV's version string, e.g. "4.6.0".
const char *cv_version_string(void);
/// OpenCV's worker threads (cv::setNumThreads; 0 runs everything on the calling thread).
int cv_set_threads(int n);
int cv_get_threads(void);

/// Loads a cascade classifier from an XML file (e.g. haarcascade_frontalface_default.xml).
cv_cascade cv_cascade_load(const char *path);
void cv_cascade_free(cv_cascade c);

/// cv::CascadeClassifier::detectMultiScale on a gray image (optionally histogram-equalised first).
/// `max_w`/`max_h` of 0 mean no maximum. Writes up to `capacity` rectangles as (x, y, w, h) to `rects`
/// and their neighbour counts to `neighbours` (may be NULL); returns the number of detections found
/// (which may exceed `capacity`), or -1 on error.
int cv_cascade_detect(cv_cascade c, const uint8_t *gray, int width, int height, int stride,
                      double scale_factor, int min_neighbors, int min_w, int min_h, int max_w, int max_h,
                      int equalize, int32_t *rects, int32_t *neighbours, int capacity);

/// Resizes an 8-bit image with 1 or 3 channels (cv::resize). interpolation: 0 area (shrinking),
/// 1 bilinear, 2 bicubic. `dst` holds dst_w * dst_h * channels bytes, tightly packed.
int cv_resize(const uint8_t *src, int width, int height, int stride, int channels,
              uint8_t *dst, int dst_w, int dst_h, int interpolation);

#ifdef __cplusplus
}
#endif
#endif
