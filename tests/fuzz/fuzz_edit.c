// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer harness for the editable session (issue 18): the first byte
// picks a valid session of the edit corpus (tests/edit/corpus, read once;
// MD_EDIT_CORPUS, or $MIXDOWN_EDIT_CORPUS); the other bytes are a sequence
// of edits — an address from the session's listing (md_address_list: every
// value and list it has, defaults included), or a mangled one,
// and a value: a number of any bits (NaN, infinities, huge), a word, an
// envelope, raw bytes, an item to append, an item to remove.
// After every edit, either the edit was accepted and the editor's text is a
// valid session (mixdown_session_open_string), or it was refused and the
// text is byte-identical to before.  Anything else aborts.  The audio the
// sessions read is written beside them at start-up.

#include "mixdown.h"
#include "session/address.h"

#include <sndfile.h>

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef MD_EDIT_CORPUS
#define MD_EDIT_CORPUS "tests/edit/corpus"
#endif

enum { MAX_SESSIONS = 64, MAX_ADDRESSES = 512, MAX_EDITS = 10 };

typedef struct {
  char*  name;
  char*  text;
  size_t length;
  char*  addresses[MAX_ADDRESSES]; // values
  size_t n_addresses;
  char*  lists[MAX_ADDRESSES / 4]; // lists: --append / --remove
  size_t n_lists;
} CorpusSession;

static char          dir[256];
static CorpusSession sessions[MAX_SESSIONS];
static size_t        n_sessions;

static void
write_tone(const char* name, double seconds, double freq, int channels)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  SF_INFO  info = {.samplerate = 48000, .channels = channels, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
  SNDFILE* f    = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    abort();
  }
  const sf_count_t frames = (sf_count_t)(seconds * 48000.0);
  for (sf_count_t i = 0; i < frames; ++i) {
    float x[2];
    x[0] = x[1] = (float)(0.5 * sin(2.0 * M_PI * freq * (double)i / 48000.0));
    sf_writef_float(f, x, 1);
  }
  sf_close(f);
}

static char*
read_all(const char* path, size_t* length)
{
  FILE* f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  const long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* text = malloc((size_t)size + 1U);
  if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
    abort();
  }
  fclose(f);
  text[size]  = '\0';
  *length     = (size_t)size;
  return text;
}

static void
add_address(CorpusSession* s, const char* fmt, const char* a, const char* b)
{
  char text[512];
  snprintf(text, sizeof text, fmt, a, b);
  if (s->n_addresses < MAX_ADDRESSES) {
    s->addresses[s->n_addresses++] = strdup(text);
  }
}

static void
add_list(CorpusSession* s, const char* fmt, const char* a, const char* b)
{
  char text[512];
  snprintf(text, sizeof text, fmt, a, b);
  if (s->n_lists < MAX_ADDRESSES / 4) {
    s->lists[s->n_lists++] = strdup(text);
  }
}

static void
visit_address(void* user, const MdAddress* address, const char* text)
{
  CorpusSession* s = user;
  if (address->kind == MD_ADDRESS_LIST) {
    add_list(s, "%s%s", text, "");
  } else {
    add_address(s, "%s%s", text, "");
  }
}

// The address listing of one session (session/address.h, the one
// resolver's), and a few that name nothing.
static void
list_addresses(CorpusSession* s, const MixdownSession* session)
{
  static const char* const wrong[] = {"/track/nobody/gain_db", "/bus/nobody/pan", "/master/pan", "/", "",
                                      "/track", "/track//gain_db", "/track/a/insert/0/x", "/outputs/9/bits"};
  for (size_t i = 0U; i < sizeof wrong / sizeof wrong[0]; ++i) {
    add_address(s, "%s%s", wrong[i], "");
  }
  add_list(s, "%s%s", "/track/nobody/inserts", "");
  md_address_list(session, visit_address, s);
}

static int
by_name(const void* a, const void* b)
{
  return strcmp(*(char* const*)a, *(char* const*)b);
}

static void
setup(void)
{
  if (dir[0]) {
    return;
  }
  snprintf(dir, sizeof dir, "%s/mixdown-fuzz-edit-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir)) {
    abort();
  }
  char sub[300];
  snprintf(sub, sizeof sub, "%s/stems", dir);
  mkdir(sub, 0777);
  snprintf(sub, sizeof sub, "%s/ir", dir);
  mkdir(sub, 0777);
  write_tone("stems/vocal.wav", 0.5, 440.0, 1);
  write_tone("stems/guitar.wav", 0.5, 330.0, 2);
  write_tone("stems/bass.wav", 0.5, 110.0, 1);
  write_tone("stems/drums.wav", 0.5, 220.0, 2);
  write_tone("stems/keys.wav", 0.5, 660.0, 2);
  write_tone("stems/Bläser.wav", 0.5, 550.0, 1);
  write_tone("stems/日本 太鼓.wav", 0.5, 150.0, 1);
  write_tone("stems/lead take 2.wav", 0.5, 880.0, 1);
  write_tone("ir/room.wav", 0.1, 1000.0, 1);

  const char* corpus = getenv("MIXDOWN_EDIT_CORPUS") ? getenv("MIXDOWN_EDIT_CORPUS") : MD_EDIT_CORPUS;
  DIR*        d      = opendir(corpus);
  if (!d) {
    fprintf(stderr, "fuzz-edit: no corpus at %s\n", corpus);
    abort();
  }
  char* names[MAX_SESSIONS];
  for (struct dirent* e = readdir(d); e && n_sessions < MAX_SESSIONS; e = readdir(d)) {
    if (e->d_name[0] != '.') {
      names[n_sessions++] = strdup(e->d_name);
    }
  }
  closedir(d);
  qsort(names, n_sessions, sizeof names[0], by_name);
  for (size_t i = 0U; i < n_sessions; ++i) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", corpus, names[i]);
    CorpusSession* s = &sessions[i];
    s->name          = names[i];
    s->text          = read_all(path, &s->length);
    MixdownSession* session = NULL;
    if (!s->text ||
        mixdown_session_open_string(s->text, s->length, s->name, dir, NULL, NULL, &session) != MIXDOWN_SUCCESS) {
      fprintf(stderr, "fuzz-edit: corpus session %s does not open\n", path);
      abort();
    }
    list_addresses(s, session);
    mixdown_session_free(session);
  }
  if (!n_sessions) {
    abort();
  }
}

// The input, read from the front.
typedef struct {
  const uint8_t* data;
  size_t         size;
  size_t         at;
} Bytes;

static uint8_t
next(Bytes* b)
{
  return b->at < b->size ? b->data[b->at++] : 0U;
}

static double
next_double(Bytes* b)
{
  uint64_t bits = 0U;
  for (int i = 0; i < 8; ++i) {
    bits = bits << 8 | next(b);
  }
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

static const char* const words[] = {
  "nan", ".nan", ".inf", "-.inf", "1e999", "-1e308", "1e-320", "0x10", "-0", "true", "false", "yes", "off",
  "loud", "\"1:3\"", "\"17:1\"", "1:1", "\"0:1\"", "master", "~", "", "[]", "{}", "auto", "\"1/8\"", "1/8t",
  "tpdf", "none", "compressor", "'quoted'", "日本", "残響", "{points: []}", "- x", "#", "\"\\u0000\"", "a: b",
  "[1, 2]", "\"\"", "'", "\"", "{", "&a 1", "*a", "!!str 3", "!!binary AAAA", "|\n  x", ">\n  y", "3 # note",
  "vocal", "bass", "verb", "band", "stems/vocal.wav", "stems/nothing.wav", "mix.flac", "out.mp3", "24", "16",
  "float", "4/4", "7/8", "0/4", "48000", "7", "-144", "24", "2000", "\"-3\"", "-3\r\nx: 1", "x\ny"};

static const char* const curves[] = {"linear", "exponential", "smooth", "step", "bogus"};

static const char* const items[] = {
  "{type: gain, gain_db: -1}", "{type: eq, bands: [{type: bell, freq: 500, gain_db: -2}]}",
  "{type: compressor}", "{type: nosuch}", "{type: limiter, ceiling_db: 3}", "{to: verb, level_db: -10}",
  "{to: band}", "{to: nobody}", "[1.5, -3]", "[0, 0]", "[\"2:1\", -6]", "[nan, 1]", "[1, 2, 3]",
  "{type: notch, freq: 60, q: 8}", "{type: bell}", "{file: stems/vocal.wav, start: 1}",
  "{file: missing.wav}", "{", "- a", "", "~", "{type: reverb, impulse: ir/room.wav}",
  "{type: delay, time: \"1/8\"}", "{type: gain, <<: {gain_db: 1}}", "A", "C#"};

static void
write_value(Bytes* b, char* out, size_t size)
{
  const uint8_t kind = next(b) % 5U;
  if (kind == 0U) { // a small number
    snprintf(out, size, "%g", (double)(int8_t)next(b) / 4.0);
  } else if (kind == 1U) { // a word
    snprintf(out, size, "%s", words[next(b) % (sizeof words / sizeof words[0])]);
  } else if (kind == 2U) { // an envelope
    const unsigned n   = next(b) % 5U;
    size_t         len = (size_t)snprintf(out, size, "{points: [");
    for (unsigned i = 0U; i < n && len < size; ++i) {
      const uint8_t t = next(b);
      const uint8_t v = next(b);
      if (t & 0x80U) {
        len += (size_t)snprintf(out + len, size - len, "%s[\"%u:%u\", %d]", i ? ", " : "", 1U + (t & 7U),
                                1U + ((t >> 3) & 3U), (int8_t)v / 2);
      } else {
        len += (size_t)snprintf(out + len, size - len, "%s[%g, %d]", i ? ", " : "", t / 16.0, (int8_t)v / 2);
      }
    }
    if (len < size) {
      snprintf(out + len, size - len, "], curve: %s}", curves[next(b) % 5U]);
    }
  } else if (kind == 3U) { // raw bytes: quotes, newlines, invalid UTF-8
    const size_t n = next(b) % 24U;
    size_t       i = 0U;
    for (; i < n && i + 1U < size; ++i) {
      out[i] = (char)next(b);
      if (!out[i]) {
        break;
      }
    }
    out[i] = '\0';
  } else { // an out-of-range number
    snprintf(out, size, "%.17g", next_double(b));
  }
}

// The address for one edit: from the listing, sometimes mangled.
static void
write_address(Bytes* b, const char* const* list, size_t n, char* out, size_t size)
{
  if (!n) {
    snprintf(out, size, "/tempo");
    return;
  }
  const uint8_t pick = next(b);
  snprintf(out, size, "%s", list[pick % n]);
  const uint8_t mangle = next(b);
  if (mangle < 16U) {
    const size_t len = strlen(out);
    if (len) {
      out[mangle % len] = (char)(mangle & 1U ? 'x' : '/');
    }
  } else if (mangle < 24U) {
    strncat(out, "/1/x", size - strlen(out) - 1U);
  }
}

static void
check_edit(MixdownEditor* editor, const char* before, size_t before_length, MixdownStatus status)
{
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(editor, &length);
  if (!text) {
    abort();
  }
  if (status == MIXDOWN_SUCCESS) {
    MixdownSession* session = NULL;
    if (mixdown_session_open_string(text, length, "<edited>", dir, NULL, NULL, &session) != MIXDOWN_SUCCESS) {
      fprintf(stderr, "fuzz-edit: an accepted edit left an invalid session:\n%.*s\n", (int)length, text);
      abort();
    }
    mixdown_session_free(session);
  } else if (length != before_length || memcmp(text, before, length)) {
    fprintf(stderr, "fuzz-edit: a refused edit changed the text:\n%.*s\n", (int)length, text);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  setup();
  if (!size) {
    return 0;
  }
  static int trace = -1;
  if (trace < 0) {
    trace = getenv("MIXDOWN_FUZZ_TRACE") != NULL;
  }
  Bytes                b = {data, size, 1U};
  const CorpusSession* s = &sessions[data[0] % n_sessions];
  MixdownEditor*       editor = NULL;
  if (mixdown_editor_open_string(s->text, s->length, s->name, dir, NULL, NULL, &editor) != MIXDOWN_SUCCESS) {
    abort(); // the corpus is valid
  }
  for (int i = 0; i < MAX_EDITS && b.at < b.size; ++i) {
    size_t      length = 0U;
    const char* now    = mixdown_editor_text(editor, &length);
    char*       before = malloc(length + 1U);
    if (!before) {
      break;
    }
    memcpy(before, now, length);
    char          address[600];
    char          value[256] = "";
    const char*   what       = "set";
    MixdownStatus status     = MIXDOWN_SUCCESS;
    switch (next(&b) % 5U) {
    case 0U:
      write_address(&b, (const char* const*)s->addresses, s->n_addresses, address, sizeof address);
      const double number = next_double(&b);
      snprintf(value, sizeof value, "%.17g", number);
      what   = "set_number";
      status = mixdown_editor_set_number(editor, address, number);
      break;
    case 1U:
    case 2U:
      write_address(&b, (const char* const*)s->addresses, s->n_addresses, address, sizeof address);
      write_value(&b, value, sizeof value);
      status = mixdown_editor_set(editor, address, value);
      break;
    case 3U:
      write_address(&b, (const char* const*)s->lists, s->n_lists, address, sizeof address);
      snprintf(value, sizeof value, "%s", items[next(&b) % (sizeof items / sizeof items[0])]);
      what   = "append";
      status = mixdown_editor_append(editor, address, value);
      break;
    default: {
      static const char* const which[] = {"1", "2", "3", "0", "99", "-1", "verb", "band", "x", ""};
      write_address(&b, (const char* const*)s->lists, s->n_lists, address, sizeof address);
      snprintf(value, sizeof value, "%s", which[next(&b) % 10U]);
      what   = "remove";
      status = mixdown_editor_remove(editor, address, value);
      break;
    }
    }
    if (trace) { // reproducing a crash: $MIXDOWN_FUZZ_TRACE=1 fuzz-edit FILE
      fprintf(stderr, "fuzz-edit: %s %s %s %s → %d\n", s->name, what, address, value, (int)status);
    }
    check_edit(editor, before, length, status);
    free(before);
  }
  char* diff = mixdown_editor_diff(editor);
  if (!diff) {
    abort();
  }
  free(diff);
  mixdown_editor_free(editor);
  return 0;
}
