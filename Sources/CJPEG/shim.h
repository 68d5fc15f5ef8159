#ifndef TENSORSCOPE_CJPEG_SHIM_H
#define TENSORSCOPE_CJPEG_SHIM_H
// libjpeg-turbo's TurboJPEG API (apt: libturbojpeg0-dev), which catches libjpeg's longjmp
// errors itself and reports them through return values — safe to call from Swift.
#include <stddef.h>
#include <turbojpeg.h>

/// TJSCALED(dimension, {num, denom}): a dimension after DCT scaling (the macro does not import).
static inline int tsjpeg_scaled(int dimension, int num, int denom) {
    return (dimension * num + denom - 1) / denom;
}
#endif
