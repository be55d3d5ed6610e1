// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Where a voice speaks: a frame-by-frame speech-activity detector for the
// assistants that follow speech (duck, level).  Speech is judged by energy
// *and* voicing in the speech band, not by mere signal presence: a frame is
// speech when its speech-band energy stands above the track's learnt noise
// floor and it is voiced (a pitch-like periodicity), or it is unvoiced next
// to voiced frames (consonants); music, hum or hiss on a key track are not.
//
// Thread: control.  One detector per signal.

#ifndef MD_ASSIST_SPEECH_H
#define MD_ASSIST_SPEECH_H

#include "mixdown.h"

#include <stddef.h>
#include <stdint.h>

typedef struct AssistSpeech AssistSpeech;

/// A detector for a signal at `rate` Hz; NULL when out of memory.
AssistSpeech* assist_speech_new(uint32_t rate);
void          assist_speech_free(AssistSpeech* speech);

/// Feeds the next `frames` samples (the mean of `left` and `right`; `right`
/// may be NULL for mono).
MixdownStatus assist_speech_feed(AssistSpeech* speech, const float* left, const float* right, uint32_t frames);

/// Completes the analysis after the last feed (the floor is learnt over the
/// whole signal, so frames are judged only here).
MixdownStatus assist_speech_finish(AssistSpeech* speech);

/// Seconds per analysis frame (10 ms).
double assist_speech_hop_s(void);

/// Frames analysed; after assist_speech_finish(), per frame: 1 when
/// speech; its K-weighted level in dB (mean square over the frame, -inf
/// for digital silence).  The level reads as a loudness meter's over 10 ms
/// (BS.1770: -0.691 + 10·log10 of the channels' K-weighted mean squares
/// summed, so LUFS), and below -200 dB counts as digital silence.
size_t         assist_speech_frames(const AssistSpeech* speech);
const uint8_t* assist_speech_active(const AssistSpeech* speech);
const float*   assist_speech_level_db(const AssistSpeech* speech);

/// The learnt noise floor, dB (K-weighted), after assist_speech_finish().
double assist_speech_floor_db(const AssistSpeech* speech);

/// A stretch of the timeline, seconds.
typedef struct {
  double start_s;
  double end_s;
} AssistSpan;

/// The speech spans: speech frames joined across pauses shorter than
/// `hold_ms` (breaths, gaps between words), spans shorter than `min_ms`
/// dropped.  `*spans` malloc'd; returns the count.
size_t assist_speech_spans(const AssistSpeech* speech, double hold_ms, double min_ms, AssistSpan** spans);

#endif
