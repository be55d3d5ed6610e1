// SPDX-License-Identifier: GPL-3.0-or-later
// Writes the sessions the browser tests play into WORK (node sessions.mjs
// WORK, with MIXDOWN_BUILD naming the build whose demo stems are copied):
// every source is made here (sines and seeded noise as float WAVs), nothing
// is downloaded.  Each session lives in a folder of its own that a test
// copies before it edits.
//   demo/demo.yaml     the bundled demo (build/demo: its synthesised stems)
//   tone/tone.yaml     one stereo track `lead`: a 1 kHz sine at -6 dBFS, fader 0 dB
//   edits/edits.yaml   strips to mute, solo, invert and pan, and one track per
//                      built-in insert type (EDITS below says what the test moves)
//   many/many.yaml     32 tracks with EQ and dynamics, 70 s
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWav } from './lib.mjs';

export const RATE = 48000;

function sine(seconds, hz, dbfs) {
  const n = Math.round(seconds * RATE), a = 10 ** (dbfs / 20), x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = a * Math.sin((2 * Math.PI * hz * i) / RATE);
  return x;
}

function noise(seconds, dbfs, seed) {
  // xorshift32, uniform in [-1, 1): RMS 1/sqrt(3), scaled to `dbfs` RMS.
  const n = Math.round(seconds * RATE), a = 10 ** (dbfs / 20) * Math.sqrt(3), x = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    x[i] = a * (s / 2147483648 - 1);
  }
  return x;
}

/// What the edits test moves on each track of edits.yaml, in order: the
/// address (under /track/TRACK), the value before (as in the file) and
/// after.  `insert` names the built-in type the row covers.
export const EDITS = [
  { track: 'fx_eq', insert: 'eq', param: 'insert/1/bands/1/gain_db', from: 0, to: -12 },
  { track: 'fx_compressor', insert: 'compressor', param: 'insert/1/threshold_db', from: 0, to: -30 },
  { track: 'fx_gate', insert: 'gate', param: 'insert/1/threshold_db', from: -60, to: 0 },
  { track: 'fx_limiter', insert: 'limiter', param: 'insert/1/ceiling_db', from: 0, to: -12 },
  { track: 'fx_deesser', insert: 'deesser', param: 'insert/1/threshold_db', from: 0, to: -60 },
  { track: 'fx_reverb', insert: 'reverb', param: 'insert/1/mix', from: 0, to: 1 },
  { track: 'fx_delay', insert: 'delay', param: 'insert/1/mix', from: 0, to: 0.5 },
  { track: 'fx_chorus', insert: 'chorus', param: 'insert/1/mix', from: 0, to: 1 },
  { track: 'fx_saturation', insert: 'saturation', param: 'insert/1/drive_db', from: 0, to: 24 },
  { track: 'fx_pitch_correct', insert: 'pitch_correct', param: 'insert/1/amount', from: 0, to: 1 },
  { track: 'fx_pitch_shift', insert: 'pitch_shift', param: 'insert/1/semitones', from: 0, to: 7 },
  { track: 'fx_gain', insert: 'gain', param: 'insert/1/gain_db', from: 0, to: -10 },
  { track: 'fx_stereo', insert: 'stereo', param: 'insert/1/width', from: 1, to: 0 },
];

const EDITS_YAML = `# The browser tests' edits session (tests/browser/sessions.mjs): the page
# moves one value of each strip and insert here and the tap is compared
# with a render of the same edit.
mixdown: 1
sample_rate: 48000
length: 60

tracks:
  - name: sine
    file: sine440.wav
    pan: 0
  - name: copy
    file: sine440.wav
    gain_db: -6
    invert: false
  - name: noise
    file: noise.wav
    mute: false
  - name: fx_eq
    file: sine1k.wav
    inserts:
      - {type: eq, bands: [{type: bell, freq: 1000, gain_db: 0, q: 1}]}
  - name: fx_compressor
    file: sine1k.wav
    inserts:
      - {type: compressor, threshold_db: 0, ratio: 4, attack_ms: 1, release_ms: 20, knee_db: 0}
  - name: fx_gate
    file: sine1k.wav
    inserts:
      - {type: gate, threshold_db: -60, range_db: 40}
  - name: fx_limiter
    file: sine1k.wav
    inserts:
      - {type: limiter, ceiling_db: 0}
  - name: fx_deesser
    file: sine7k.wav
    inserts:
      - {type: deesser, freq: 7000, threshold_db: 0, range_db: 12}
  - name: fx_reverb
    file: noise.wav
    inserts:
      - {type: reverb, decay_s: 1, mix: 0}
  - name: fx_delay
    file: noise.wav
    inserts:
      - {type: delay, time_ms: 100, feedback: 0.3, mix: 0}
  - name: fx_chorus
    file: sine1k.wav
    inserts:
      - {type: chorus, mix: 0}
  - name: fx_saturation
    file: sine1k.wav
    inserts:
      - {type: saturation, drive_db: 0}
  - name: fx_pitch_correct
    file: sine450.wav
    inserts:
      - {type: pitch_correct, speed_ms: 0, amount: 0}
  - name: fx_pitch_shift
    file: sine1k.wav
    inserts:
      - {type: pitch_shift, semitones: 0}
  - name: fx_gain
    file: noise.wav
    inserts:
      - {type: gain, gain_db: 0}
  - name: fx_stereo
    file: noise-stereo.wav
    inserts:
      - {type: stereo, width: 1}
`;

function tone(dir) {
  mkdirSync(dir, { recursive: true });
  const s = sine(30, 1000, -6);
  writeWav(join(dir, 'sine1k-6dbfs.wav'), RATE, [s, s]);
  writeFileSync(join(dir, 'tone.yaml'), `# One stereo track: a 1 kHz sine at -6 dBFS (tests/browser/sessions.mjs).
mixdown: 1
sample_rate: 48000

tracks:
  - name: lead
    file: sine1k-6dbfs.wav
    gain_db: 0
`);
}

function edits(dir) {
  mkdirSync(dir, { recursive: true });
  const seconds = 60;
  writeWav(join(dir, 'sine440.wav'), RATE, [sine(seconds, 440, -12)]);
  writeWav(join(dir, 'sine1k.wav'), RATE, [sine(seconds, 1000, -10)]);
  writeWav(join(dir, 'sine7k.wav'), RATE, [sine(seconds, 7000, -10)]);
  writeWav(join(dir, 'sine450.wav'), RATE, [sine(seconds, 450, -12)]);
  writeWav(join(dir, 'noise.wav'), RATE, [noise(seconds, -20, 1)]);
  writeWav(join(dir, 'noise-stereo.wav'), RATE, [noise(seconds, -20, 2), noise(seconds, -20, 3)]);
  writeFileSync(join(dir, 'edits.yaml'), EDITS_YAML);
}

/// 32 tracks from four sources: EQ on every one, a compressor on every
/// fourth, panned across, into two buses.
function many(dir, tracks = 32) {
  mkdirSync(dir, { recursive: true });
  const seconds = 70;
  writeWav(join(dir, 'a.wav'), RATE, [noise(seconds, -24, 11)]);
  writeWav(join(dir, 'b.wav'), RATE, [sine(seconds, 220, -18)]);
  writeWav(join(dir, 'c.wav'), RATE, [noise(seconds, -24, 12), noise(seconds, -24, 13)]);
  writeWav(join(dir, 'd.wav'), RATE, [sine(seconds, 660, -20)]);
  let y = `# 32 tracks, 70 s (tests/browser/sessions.mjs): long playback.
mixdown: 1
sample_rate: 48000

tracks:
`;
  for (let i = 1; i <= tracks; i++) {
    const src = 'abcd'[i % 4];
    y += `  - name: t${i}
    file: ${src}.wav
    gain_db: ${-12 - (i % 5)}
    pan: ${(((i * 7) % 17) / 8 - 1).toFixed(3)}
    output: ${i % 2 ? 'odd' : 'even'}
    inserts:
      - {type: eq, bands: [{type: highpass, freq: ${40 + i}, slope: 12}, {type: bell, freq: ${500 + 50 * i}, gain_db: 3, q: 1}]}
`;
    if (i % 4 === 0) y += `      - {type: compressor, threshold_db: -30, ratio: 3, attack_ms: 5, release_ms: 80}\n`;
  }
  y += `
buses:
  - name: odd
    gain_db: -3
  - name: even
    gain_db: -3
    inserts:
      - {type: compressor, threshold_db: -20, ratio: 2}
`;
  writeFileSync(join(dir, 'many.yaml'), y);
}

function demo(dir, build) {
  mkdirSync(join(dir, 'stems'), { recursive: true });
  copyFileSync(join(build, 'demo', 'demo.yaml'), join(dir, 'demo.yaml'));
  for (const f of readdirSync(join(build, 'demo', 'stems'))) copyFileSync(join(build, 'demo', 'stems', f), join(dir, 'stems', f));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const work = process.argv[2];
  const build = process.env.MIXDOWN_BUILD;
  if (!work || !build) {
    console.error('usage: MIXDOWN_BUILD=BUILD node sessions.mjs WORK');
    process.exit(2);
  }
  demo(join(work, 'demo'), build);
  tone(join(work, 'tone'));
  edits(join(work, 'edits'));
  many(join(work, 'many'));
}
