#ifndef TAKESENSE_CFFMPEG_SHIM_H
#define TAKESENSE_CFFMPEG_SHIM_H
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/display.h>
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>

// FFmpeg's function-like macros (and a few struct fields declared as fixed-size arrays, which Swift
// imports as tuples) are not usable from Swift directly; these static inline helpers expose them.

/// AVERROR(e): a POSIX errno value as an FFmpeg error code.
static inline int ts_averror(int posix_errno) { return AVERROR(posix_errno); }
static inline int ts_averror_eof(void) { return AVERROR_EOF; }
static inline int ts_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int ts_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int ts_averror_enoent(void) { return AVERROR(ENOENT); }
static inline int ts_averror_eacces(void) { return AVERROR(EACCES); }
static inline int ts_averror_eio(void) { return AVERROR(EIO); }
static inline int ts_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int ts_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int ts_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }

/// Whether every frame of the codec is a key frame (ProRes, DNxHD/HR, MJPEG, ...): AV_CODEC_PROP_INTRA_ONLY
/// of its descriptor. Such streams can be decoded frame by frame, skipping any packet.
static inline int ts_codec_is_intra_only(enum AVCodecID id) {
    const AVCodecDescriptor *d = avcodec_descriptor_get(id);
    return d != NULL && (d->props & AV_CODEC_PROP_INTRA_ONLY) != 0;
}

/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t ts_nopts_value(void) { return AV_NOPTS_VALUE; }

/// AV_TIME_BASE (microseconds) as a plain integer.
static inline int ts_time_base(void) { return AV_TIME_BASE; }

/// av_err2str(): writes FFmpeg's message for `errnum` into `buf` (always NUL-terminated).
static inline void ts_err2str(int errnum, char *buf, size_t size) {
    if (size == 0) return;
    if (av_strerror(errnum, buf, size) < 0) {
        snprintf(buf, size, "error %d", errnum);
    }
}

/// frame->data[plane] (a tuple in Swift).
static inline uint8_t *ts_frame_data(const AVFrame *frame, int plane) { return frame->data[plane]; }
/// frame->linesize[plane] (a tuple in Swift).
static inline int ts_frame_linesize(const AVFrame *frame, int plane) { return frame->linesize[plane]; }
/// frame->extended_data[channel] for planar audio.
static inline const float *ts_frame_float_plane(const AVFrame *frame, int channel) {
    return (const float *)frame->extended_data[channel];
}
/// frame->extended_data as the const input array swr_convert expects.
static inline const uint8_t **ts_frame_audio_input(const AVFrame *frame) {
    return (const uint8_t **)frame->extended_data;
}

/// Scales/converts a whole `src` frame into `dst` (already allocated with the target format and size).
static inline int ts_sws_scale_frames(struct SwsContext *ctx, const AVFrame *src, AVFrame *dst) {
    return sws_scale(ctx, (const uint8_t *const *)src->data, src->linesize, 0, src->height,
                     dst->data, dst->linesize);
}

/// The stream-level display matrix (rotation) side data, or NULL.
static inline const int32_t *ts_stream_display_matrix(const AVStream *stream) {
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!data || size < 9 * sizeof(int32_t)) return NULL;
    return (const int32_t *)data;
}

/// The frame-level display matrix side data, or NULL.
static inline const int32_t *ts_frame_display_matrix(const AVFrame *frame) {
    const AVFrameSideData *sd = av_frame_get_side_data(frame, AV_FRAME_DATA_DISPLAYMATRIX);
    if (!sd || sd->size < 9 * sizeof(int32_t)) return NULL;
    return (const int32_t *)sd->data;
}

/// Value of the "rotate" metadata tag some old files carry instead of a display matrix, or NULL.
static inline const char *ts_stream_rotate_tag(const AVStream *stream) {
    const AVDictionaryEntry *e = av_dict_get(stream->metadata, "rotate", NULL, 0);
    return e ? e->value : NULL;
}

/// A metadata value by key (case-insensitive), or NULL.
static inline const char *ts_dict_value(const AVDictionary *dict, const char *key) {
    const AVDictionaryEntry *e = av_dict_get(dict, key, NULL, 0);
    return e ? e->value : NULL;
}

/// Full name of a pixel format or NULL (wraps av_get_pix_fmt_name for an int format).
static inline const char *ts_pix_fmt_name(int format) {
    return av_get_pix_fmt_name((enum AVPixelFormat)format);
}

/// Name of a sample format or NULL.
static inline const char *ts_sample_fmt_name(int format) {
    return av_get_sample_fmt_name((enum AVSampleFormat)format);
}

/// Whether a pixel format is one of the deprecated full-range "yuvj" formats (JPEG range).
static inline int ts_pix_fmt_is_jpeg_range(int format) {
    switch ((enum AVPixelFormat)format) {
    case AV_PIX_FMT_YUVJ420P: case AV_PIX_FMT_YUVJ422P: case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P: case AV_PIX_FMT_YUVJ411P:
        return 1;
    default:
        return 0;
    }
}

/// The non-deprecated equivalent of a "yuvj" format (swscale warns on the deprecated ones).
static inline int ts_pix_fmt_dejpeg(int format) {
    switch ((enum AVPixelFormat)format) {
    case AV_PIX_FMT_YUVJ420P: return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: return AV_PIX_FMT_YUV411P;
    default: return format;
    }
}

/// Whether a pixel format is YUV (neither RGB nor gray), i.e. subject to a colour matrix.
static inline int ts_pix_fmt_is_yuv(int format) {
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get((enum AVPixelFormat)format);
    if (!d) return 0;
    if (d->flags & AV_PIX_FMT_FLAG_RGB) return 0;
    return d->nb_components >= 3;
}

/// Sets the colour matrix and range swscale uses for a conversion (BT.601 when `colorspace` is
/// unspecified, as FFmpeg's scale filter does). The destination is always full range.
static inline int ts_sws_set_colorspace(struct SwsContext *ctx, int colorspace, int src_full_range) {
    int cs = colorspace;
    if (cs == AVCOL_SPC_UNSPECIFIED || cs == AVCOL_SPC_RGB || cs < 0 || cs > AVCOL_SPC_ICTCP) cs = SWS_CS_DEFAULT;
    const int *coeffs = sws_getCoefficients(cs);
    return sws_setColorspaceDetails(ctx, coeffs, src_full_range, coeffs, 1, 0, 1 << 16, 1 << 16);
}

/// Number of channels of the stream's channel layout.
static inline int ts_codecpar_channels(const AVCodecParameters *par) { return par->ch_layout.nb_channels; }

/// Human readable channel layout ("stereo", "5.1(side)") into buf. Like the ffmpeg CLI, an unspecified
/// layout (e.g. a plain 2-channel WAV) is described as the default layout for its channel count.
static inline void ts_codecpar_layout_name(const AVCodecParameters *par, char *buf, size_t size) {
    if (size == 0) return;
    buf[0] = 0;
    if (par->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC && par->ch_layout.nb_channels > 0) {
        AVChannelLayout guess;
        av_channel_layout_default(&guess, par->ch_layout.nb_channels);
        if (av_channel_layout_describe(&guess, buf, size) < 0) buf[0] = 0;
        av_channel_layout_uninit(&guess);
        return;
    }
    if (av_channel_layout_describe(&par->ch_layout, buf, size) < 0) buf[0] = 0;
}

/// Probe score of the given bytes (filename may be NULL); writes the detected format's name.
static inline int ts_probe_bytes(const uint8_t *bytes, int size, const char *filename,
                                 char *name, size_t name_size) {
    if (name_size) name[0] = 0;
    // The probe buffer must be followed by AVPROBE_PADDING_SIZE zero bytes.
    uint8_t *padded = (uint8_t *)av_mallocz((size_t)size + AVPROBE_PADDING_SIZE);
    if (!padded) return 0;
    memcpy(padded, bytes, (size_t)size);
    AVProbeData pd;
    pd.filename = filename ? filename : "";
    pd.buf = padded;
    pd.buf_size = size;
    pd.mime_type = NULL;
    int score = 0;
    const AVInputFormat *fmt = av_probe_input_format3(&pd, 1, &score);
    if (fmt && name_size) snprintf(name, name_size, "%s", fmt->name);
    av_free(padded);
    return fmt ? score : 0;
}

static inline int ts_probe_score_max(void) { return AVPROBE_SCORE_MAX; }
static inline int ts_probe_score_retry(void) { return AVPROBE_SCORE_RETRY; }

/// Sets FFmpeg's global log level (AV_LOG_QUIET = -8 ... AV_LOG_DEBUG = 48).
static inline void ts_set_log_level(int level) { av_log_set_level(level); }

#endif
