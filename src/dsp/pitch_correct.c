// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `pitch_correct`: pulls a monophonic voice to the nearest note of a key and
// scale (or of a note list).  Each 5 ms the tracker's pitch is turned into
// a MIDI note number, snapped to the nearest allowed note (with a little
// hysteresis, so that a note sung between two does not flutter), and the
// correction glides to amount × (target − sung) with the time constant
// `speed_ms` (0: at once, the hard-tune effect).  The shifting is PSOLA
// (psola.h): formants stay, unvoiced sounds pass untouched.

#include "dsp/pitch_correct.h"

#include "dsp/psola.h"

#include <math.h>
#include <stdlib.h>

enum { PC_KEY, PC_SCALE, PC_SPEED_MS, PC_AMOUNT, PC_NOTES, PC_N_PARAMS };

// Value slots: the plain parameters, then the note list's count and items.
#define MAX_NOTES 12U
#define PC_NOTE_COUNT PC_NOTES
#define PC_NOTE_FIRST (PC_NOTES + 1U)
#define PC_N_SLOTS (PC_NOTE_FIRST + MAX_NOTES)

static const char* const keys[] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B", NULL};

static const char* const scales[] = {"chromatic", "major",      "minor",          "dorian",
                                     "phrygian",  "lydian",     "mixolydian",     "locrian",
                                     "harmonic_minor", "melodic_minor", "major_pentatonic",
                                     "minor_pentatonic", "blues", NULL};

/// Pitch classes of each scale above the key, as a 12-bit mask (bit 0: the key).
static const uint16_t scale_masks[] = {
  0xFFF,                                                // chromatic
  (1 << 0) | (1 << 2) | (1 << 4) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 11), // major
  (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 10), // minor
  (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 10), // dorian
  (1 << 0) | (1 << 1) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 10), // phrygian
  (1 << 0) | (1 << 2) | (1 << 4) | (1 << 6) | (1 << 7) | (1 << 9) | (1 << 11), // lydian
  (1 << 0) | (1 << 2) | (1 << 4) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 10), // mixolydian
  (1 << 0) | (1 << 1) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 10), // locrian
  (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 11), // harmonic minor
  (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 11), // melodic minor
  (1 << 0) | (1 << 2) | (1 << 4) | (1 << 7) | (1 << 9),                        // major pentatonic
  (1 << 0) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 10),                       // minor pentatonic
  (1 << 0) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 10),            // blues
};

#define N_SCALES ((uint32_t)(sizeof scale_masks / sizeof scale_masks[0]))

static const MdParam note_fields[] = {
  MD_CHOICE("note", "", "Pitch class allowed, in any octave", keys, 12, 0),
};

static const MdParam pc_params[PC_N_PARAMS] = {
  [PC_KEY]    = MD_CHOICE("key", "", "Key (tonic of the scale)", keys, 12, 0),
  [PC_SCALE]  = MD_CHOICE("scale", "", "Notes allowed", scales, N_SCALES, 0),
  [PC_SPEED_MS]  = MD_NUMBER("speed_ms", "ms", "Retune time constant (0: instant, the hard-tune effect)",
                          0.0, 1000.0, 20.0, 0.0f),
  [PC_AMOUNT] = MD_NUMBER("amount", "", "Share of the error corrected", 0.0, 1.0, 1.0, 0.0f),
  [PC_NOTES]  = MD_LIST("notes", "Notes allowed instead of key and scale, e.g. [A, C, E]", note_fields,
                        1U, MAX_NOTES),
};

enum { PC_METER_PITCH, PC_METER_CORRECTION, PC_N_METERS };

static const MdMeter pc_meters[PC_N_METERS] = {
  [PC_METER_PITCH]      = {"pitch_hz", "Detected fundamental (0: unvoiced)"},
  [PC_METER_CORRECTION] = {"correction_cents", "Shift being applied"},
};

#define MIN_HZ 60.0
#define MAX_HZ 1000.0
#define HYSTERESIS_SEMITONES 0.15 // a held note is kept until another is this much nearer

typedef struct {
  uint32_t channels;
  double   rate_hz;
  double   v[PC_N_SLOTS];
  double   target_note;      ///< The note being corrected to (MIDI), or −1
  double   correction_cents; ///< Glides to the wanted correction
  double   hop_frames;
  MdPsola* psola;
} PitchCorrect;

static double
note_of_hz(double hz)
{
  return 69.0 + 12.0 * log2(hz / 440.0);
}

/// The allowed pitch classes: the note list when there is one, else the
/// scale from the key, as a 12-bit mask with bit 0 at C.
static uint32_t
allowed_classes(const PitchCorrect* self)
{
  const uint32_t n_notes = (uint32_t)self->v[PC_NOTE_COUNT];
  if (n_notes > 0U) {
    uint32_t mask = 0U;
    for (uint32_t i = 0U; i < n_notes && i < MAX_NOTES; ++i) {
      mask |= 1U << ((uint32_t)self->v[PC_NOTE_COUNT + md_list_slot(&pc_params[PC_NOTES], i, 0U)] % 12U);
    }
    return mask;
  }
  const uint32_t scale = (uint32_t)self->v[PC_SCALE] < N_SCALES ? (uint32_t)self->v[PC_SCALE] : 0U;
  const uint32_t key   = (uint32_t)self->v[PC_KEY] % 12U;
  const uint32_t mask  = scale_masks[scale];
  return ((mask << key) | (mask >> (12U - key))) & 0xFFFU; // rotate the scale up to the key
}

static bool
note_allowed(uint32_t classes, int note)
{
  return (classes >> (uint32_t)((note % 12 + 12) % 12)) & 1U;
}

/// The allowed note nearest `sung` (every scale has one within 6 semitones).
static double
nearest_note(uint32_t classes, double sung)
{
  const int centre = (int)lround(sung);
  int       best   = centre;
  double    best_distance = 1e9;
  for (int note = centre - 6; note <= centre + 6; ++note) {
    const double distance = fabs(note - sung);
    if (note_allowed(classes, note) && distance < best_distance) {
      best          = note;
      best_distance = distance;
    }
  }
  return best;
}

static double
pc_ratio(void* owner, const MdPitchFrame* frame)
{
  PitchCorrect* self = owner;
  if (!frame->voiced) {
    self->target_note = -1.0;
    return 1.0;
  }
  const uint32_t classes = allowed_classes(self);
  const double   sung    = note_of_hz(self->rate_hz / frame->period_frames);
  const double   nearest = nearest_note(classes, sung);
  if (self->target_note < 0.0 || !note_allowed(classes, (int)self->target_note) ||
      fabs(sung - self->target_note) > fabs(sung - nearest) + HYSTERESIS_SEMITONES) {
    self->target_note = nearest;
  }
  const double wanted = 100.0 * self->v[PC_AMOUNT] * (self->target_note - sung);
  const double speed  = self->v[PC_SPEED_MS];
  const double follow = speed > 0.0 ? 1.0 - exp(-self->hop_frames / (speed * 1e-3 * self->rate_hz)) : 1.0;
  self->correction_cents += follow * (wanted - self->correction_cents);
  return exp2(self->correction_cents / 1200.0);
}

static void*
pc_create(const MdProcessorClass* cls, uint32_t channels, const double* values)
{
  (void)cls;
  PitchCorrect* self = calloc(1U, sizeof(PitchCorrect));
  if (self) {
    self->channels = channels;
    for (uint32_t i = 0U; i < PC_N_SLOTS; ++i) {
      self->v[i] = values[i];
    }
    self->target_note = -1.0;
  }
  return self;
}

static MixdownStatus
pc_prepare(void* state, double sample_rate_hz, uint32_t max_frames)
{
  PitchCorrect* self = state;
  (void)max_frames;
  self->rate_hz = sample_rate_hz;
  md_psola_destroy(self->psola);
  self->psola = md_psola_create(self->channels, sample_rate_hz, MIN_HZ, MAX_HZ, pc_ratio, self);
  self->hop_frames = round(sample_rate_hz * 0.005);
  return self->psola ? MIXDOWN_SUCCESS : MIXDOWN_ERR_NO_MEM;
}

static void
pc_destroy(void* state)
{
  PitchCorrect* self = state;
  md_psola_destroy(self->psola);
  free(self);
}

static void
pc_set_param(void* state, uint32_t id, double value)
{
  PitchCorrect* self = state;
  if (id < PC_N_SLOTS) {
    self->v[id] = value; // read once per 5 ms hop, which is the glide
  }
}

static void
pc_process(void* state, const MdBlock* block)
{
  PitchCorrect* self = state;
  md_psola_process(self->psola, block->in, block->out, block->frames);
}

static void
pc_reset(void* state)
{
  PitchCorrect* self = state;
  md_psola_reset(self->psola);
  self->target_note      = -1.0;
  self->correction_cents = 0.0;
}

static uint32_t
pc_latency(const void* state)
{
  const PitchCorrect* self = state;
  return self->psola ? md_psola_latency(self->psola) : 0U;
}

static double
pc_read_meter(const void* state, uint32_t id)
{
  const PitchCorrect* self  = state;
  const MdPitchFrame  frame = md_psola_last_frame(self->psola);
  if (id == PC_METER_PITCH) {
    return frame.voiced ? self->rate_hz / frame.period_frames : 0.0;
  }
  return self->correction_cents;
}

const MdProcessorClass md_pitch_correct_class = {
  .name        = "pitch_correct",
  .description = "Pitch correction to a key and scale (YIN tracking, formant-keeping PSOLA)",
  .params      = pc_params,
  .n_params    = PC_N_PARAMS,
  .meters      = pc_meters,
  .n_meters    = PC_N_METERS,
  .create      = pc_create,
  .prepare     = pc_prepare,
  .destroy     = pc_destroy,
  .set_param   = pc_set_param,
  .process     = pc_process,
  .reset       = pc_reset,
  .latency     = pc_latency,
  .tail        = md_processor_no_frames,
  .read_meter  = pc_read_meter,
};
