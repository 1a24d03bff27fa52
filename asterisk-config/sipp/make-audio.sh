#!/usr/bin/env bash
# Generate the test speech for sipp's rtp_stream action.
#
#   make-audio.sh OUT [TEXT]
#
# OUT is written as HEADERLESS 8 kHz mono G.711 mu-law (sox type "ul"), ~6 s long:
# sipp 3.6 rtp_stream sends the file's bytes as they are (no WAV parsing), 160 bytes per
# 20 ms packet for payload type 0 (PCMU). Prefer the extension .ul. Skips if OUT exists.
set -euo pipefail
out="${1:?usage: make-audio.sh OUT [TEXT]}"
text="${2:-Hello, this is a test call from One Key. Please answer me. One, two, three.}"
if [ -s "$out" ]; then exit 0; fi
command -v espeak-ng >/dev/null || { echo "make-audio.sh: espeak-ng missing" >&2; exit 1; }
command -v sox >/dev/null || { echo "make-audio.sh: sox missing" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 150 -a 180 -w "$tmp/speech.wav" "$text"
# 8 kHz mono, normalised to -3 dBFS, padded/trimmed to exactly 6 s, mu-law without header.
sox -V1 "$tmp/speech.wav" -r 8000 -c 1 -b 16 "$tmp/speech8k.wav" norm -3 pad 0 6 trim 0 6
sox "$tmp/speech8k.wav" -t ul -r 8000 -c 1 "$tmp/out.ul"
mv -f "$tmp/out.ul" "$out"
