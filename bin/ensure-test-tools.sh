#!/usr/bin/env bash
# The Debian tools the test suites use: NIST sclite (sctk) checks our WER counts, flac is the
# reference FLAC encoder, PocketSphinx is the command backend's real external engine (its test data is the real-speech corpus), gcc
# builds the AscendCL stand-in, and gcc with g++ build the SIMD whisper.cpp engine (npm test
# builds it before the tests when npm install could not; its equality test is skipped without it), ffmpeg and sox
# write the audio formats suites/audio-formats.test.ts decodes; chromium opens the HTML report for the browser test;
# python3-torch and numpy run the PyTorch worker; slurmctld, slurmd, slurm-client and munge make the
# one-node Slurm cluster the shards test submits its job array to.
# Installed when missing and we may (root with apt-get); otherwise
# the exact command is printed and the run stops, before any test starts.
set -euo pipefail
need=()
command -v sctk >/dev/null 2>&1 || need+=(sctk)
command -v flac >/dev/null 2>&1 || need+=(flac)
command -v pocketsphinx_continuous >/dev/null 2>&1 || need+=(pocketsphinx pocketsphinx-en-us)
# real human speech with transcripts (LibriVox, cards, TIDIGITS, goforward): suites/real-speech.test.ts
[ -f /usr/share/pocketsphinx/test/data/librivox/transcription ] || need+=(pocketsphinx-testdata)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v g++ >/dev/null 2>&1 || need+=(g++)
# ffmpeg and sox write the MP3, Ogg, Opus, M4A, AIFF, mu-law and RF64 files the audio-format tests decode
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v sox >/dev/null 2>&1 || need+=(sox)
# the HTML report is checked in a real headless browser (suites/report-html.test.ts, the report reporter)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# the PyTorch worker (workers/torch) is the cross-engine suite's second numerical stack; Debian's
# interpreter, not whatever python3 is first on PATH, is the one that sees Debian's packages
# (found, not imported: importing torch costs seconds of CPU, and this runs before every test run)
/usr/bin/python3 -c 'import importlib.util as u, sys; sys.exit(not (u.find_spec("torch") and u.find_spec("numpy")))' >/dev/null 2>&1 || need+=(python3-torch python3-numpy)
# OpenBLAS: Debian's torch multiplies float32 matrices through the system BLAS;
# the torch backends' float32 runs (cross-engine, torch-backends) otherwise get the generic reference BLAS
compgen -G '/usr/lib/*/openblas-pthread/libblas.so.3' >/dev/null || need+=(libopenblas0-pthread)
# a one-node Slurm cluster runs the gate as a job array in npm run test:extended (suites/shards-slurm.test.ts):
# the controller, the node daemon, the client commands and munge, its authentication
command -v slurmctld >/dev/null 2>&1 || [ -x /usr/sbin/slurmctld ] || need+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || [ -x /usr/sbin/slurmd ] || need+=(slurmd)
command -v sbatch >/dev/null 2>&1 || need+=(slurm-client)
command -v munged >/dev/null 2>&1 || [ -x /usr/sbin/munged ] || need+=(munge)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "asr-parity: installing Debian packages the tests use: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "asr-parity: the test suites need Debian packages ${need[*]}: run \`sudo apt-get install -y ${need[*]}\`" >&2
  exit 1
fi
