// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console of `mixdown serve` (src/serve/console.h) on a headless
// player and a session file: the state is the parameter tables' and the
// file's; a gesture is one undo step kept in the text, undo gives back the
// exact bytes and moves the value live; save changes only the moved
// values' lines and refuses a file changed on disk; save as writes only a
// new file beside the session; moves no page made (OSC) are shown and kept;
// transport and curves reach every page.

#include "support.h"

#include "live/control.h"
#include "live/player.h"
#include "platform/clock.h"
#include "serve/console.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RATE   48000U
#define PERIOD 256U

static const char console_yaml[] =
  "mixdown: 1\n"
  "sample_rate: 48000\n"
  "# the band's vocal, as recorded\n"
  "tracks:\n"
  "  - name: vox\n"
  "    file: c1.wav\n"
  "    gain_db: -3   # rode the fader\n"
  "    sends: [{to: verb, level_db: -12}]\n"
  "    inserts:\n"
  "      - {type: eq, bands: [{type: highpass, freq: 80}, {type: bell, freq: 3000, gain_db: 2}]}\n"
  "      - {type: compressor, threshold_db: -20, ratio: 3}\n"
  "  - {name: gtr, file: c1.wav, pan: {points: [[0, -0.5], [2, 0.5]]}}\n"
  "buses:\n"
  "  - {name: verb, inserts: [{type: reverb}]}\n";

/* A console with a capture of what it sends ---------------------------------- */

typedef struct {
  int   client;
  char* json;
} Sent;

typedef struct {
  Sent   items[4096];
  size_t count;
} Outbox;

static void
capture(void* user, int client, const char* json)
{
  Outbox* box = user;
  if (box->count < sizeof box->items / sizeof box->items[0]) {
    box->items[box->count++] = (Sent){client, strdup(json)};
  }
}

static void
outbox_clear(Outbox* box)
{
  for (size_t k = 0U; k < box->count; ++k) {
    free(box->items[k].json);
  }
  box->count = 0U;
}

// How many sent messages have `type` (and contain `needle`, when given).
static size_t
count_of(const Outbox* box, const char* type, const char* needle)
{
  char prefix[64];
  snprintf(prefix, sizeof prefix, "{\"type\":\"%s\"", type);
  size_t n = 0U;
  for (size_t k = 0U; k < box->count; ++k) {
    n += !strncmp(box->items[k].json, prefix, strlen(prefix)) && (!needle || strstr(box->items[k].json, needle));
  }
  return n;
}

// The last sent message of `type` parsed (json_decref it), or NULL.
static json_t*
last_of(const Outbox* box, const char* type)
{
  for (size_t k = box->count; k-- > 0U;) {
    json_t* m = json_loads(box->items[k].json, 0, NULL);
    if (m && !strcmp(json_string_value(json_object_get(m, "type")), type)) {
      return m;
    }
    json_decref(m);
  }
  return NULL;
}

typedef struct {
  MixdownSession* session;
  MdPlayer*       player;
  MdConsole*      console;
  Outbox*         box;
  char            path[512];
  char*           original;
  unsigned        reports;
} Fixture;

static void
count_report(void* user, const MixdownDiagnostic* d)
{
  (void)d;
  ++((Fixture*)user)->reports;
}

static bool
fixture_open_yaml(Fixture* fx, const char* yaml)
{
  memset(fx, 0, sizeof *fx);
  if (!mixdown_has_feature(MIXDOWN_FEATURE_JACK)) {
    test_skip("this build has no live player (meson -Djack=disabled)");
  }
  test_write_sine(test_path("c1.wav"), 440.0, 0.25, 3.0, 1U, RATE);
  snprintf(fx->path, sizeof fx->path, "%s", test_path("console.yaml"));
  test_write_text(fx->path, yaml);
  fx->original = test_read_file(fx->path, NULL);
  fx->box      = calloc(1U, sizeof *fx->box);
  MixdownEditor* editor = NULL;
  char           why[512];
  CHECK(mixdown_editor_open(fx->path, count_report, fx, &editor) == MIXDOWN_SUCCESS);
  size_t      length = 0U;
  const char* text   = mixdown_editor_text(editor, &length);
  CHECK(mixdown_session_open_string(text, length, fx->path, test_dir(), NULL, NULL, &fx->session) == 0);
  const MdPlayerOptions options = {.client_name = "test", .record = true, .meter_hz = 30.0, .start_stopped = true,
                                   .headless = true, .headless_period = PERIOD};
  MixdownStatus st = MIXDOWN_SUCCESS;
  fx->player       = fx->session ? md_player_new(fx->session, &options, &st, why, sizeof why) : NULL;
  CHECK_MSG(fx->player && md_player_start(fx->player, why, sizeof why) == MIXDOWN_SUCCESS, "player: %s", why);
  fx->console = fx->player ? md_console_new(editor, fx->path, fx->player, why, sizeof why) : NULL;
  if (!fx->player) {
    mixdown_editor_free(editor);
  }
  CHECK_MSG(fx->console, "console: %s", why);
  return fx->console && fx->box && fx->original;
}

static bool
fixture_open(Fixture* fx)
{
  return fixture_open_yaml(fx, console_yaml);
}

static void
fixture_close(Fixture* fx)
{
  md_console_free(fx->console);
  md_player_free(fx->player);
  mixdown_session_free(fx->session);
  if (fx->box) {
    outbox_clear(fx->box);
  }
  free(fx->box);
  free(fx->original);
}

// The audio thread's periods (commands applied, moves recorded), then the
// server's poll.
static void
run(Fixture* fx, int periods)
{
  float left[PERIOD], right[PERIOD];
  for (int k = 0; k < periods; ++k) {
    md_player_process(fx->player, left, right, PERIOD);
  }
  md_console_poll(fx->console, capture, fx->box);
}

static void
request(Fixture* fx, int client, MdServeRequest r)
{
  md_console_handle(fx->console, client, &r, capture, fx->box);
}

static void
move(Fixture* fx, int client, const char* address, double value, const char* gesture)
{
  MdServeRequest r = {.kind = MD_REQ_SET, .value = value};
  snprintf(r.address, sizeof r.address, "%s", address);
  snprintf(r.gesture, sizeof r.gesture, "%s", gesture);
  request(fx, client, r);
}

static void
end(Fixture* fx, int client, const char* gesture)
{
  MdServeRequest r = {.kind = MD_REQ_END};
  snprintf(r.gesture, sizeof r.gesture, "%s", gesture);
  request(fx, client, r);
}

// Lines of `a` and `b` that differ (same line count assumed; else -1).
static int
lines_differing(const char* a, const char* b)
{
  int differ = 0;
  while (*a && *b) {
    const char*  ea = strchr(a, '\n');
    const char*  eb = strchr(b, '\n');
    const size_t la = ea ? (size_t)(ea - a) : strlen(a);
    const size_t lb = eb ? (size_t)(eb - b) : strlen(b);
    differ += la != lb || memcmp(a, b, la);
    a += la + (ea != NULL);
    b += lb + (eb != NULL);
  }
  return *a || *b ? -1 : differ;
}

static bool
history_is(const Outbox* box, bool dirty, bool can_undo, bool can_redo)
{
  json_t*    h  = last_of(box, "history");
  const bool ok = h && json_is_true(json_object_get(h, "dirty")) == dirty &&
                  json_is_true(json_object_get(h, "can_undo")) == can_undo &&
                  json_is_true(json_object_get(h, "can_redo")) == can_redo;
  json_decref(h);
  return ok;
}

/* The state ----------------------------------------------------------------------- */

static json_t*
param_named(json_t* params, const char* name)
{
  size_t  k;
  json_t* p;
  json_array_foreach(params, k, p)
  {
    if (!strcmp(json_string_value(json_object_get(p, "name")), name)) {
      return p;
    }
  }
  return NULL;
}

static void
test_console_state_is_the_tables_and_the_file(void)
{
  Fixture fx;
  if (!fixture_open(&fx)) {
    fixture_close(&fx);
    return;
  }
  char* text = md_console_state_json(fx.console, 7);
  CHECK(text && !strncmp(text, "{\"type\":\"state\"", 15U));
  json_t* state  = text ? json_loads(text, 0, NULL) : NULL;
  json_t* strips = json_object_get(state, "strips");
  CHECK_MSG(json_array_size(strips) == 4U, "%zu strips (vox, gtr, verb, master)", json_array_size(strips));
  const char* names[] = {"vox", "gtr", "verb", "master"};
  const char* kinds[] = {"track", "track", "bus", "master"};
  for (size_t k = 0U; k < 4U && k < json_array_size(strips); ++k) {
    json_t* s = json_array_get(strips, k);
    CHECK_MSG(!strcmp(json_string_value(json_object_get(s, "name")), names[k]) &&
                !strcmp(json_string_value(json_object_get(s, "kind")), kinds[k]),
              "strip %zu is %s", k, json_string_value(json_object_get(s, "name")));
  }
  CHECK(json_integer_value(json_object_get(state, "client")) == 7);
  CHECK(json_integer_value(json_object_get(state, "rate")) == RATE);
  json_t* vox  = json_array_get(strips, 0U);
  json_t* gain = param_named(json_object_get(vox, "params"), "gain_db");
  // Exactly the strip table's (what `mixdown describe` prints).
  const MixdownParamInfo* table = mixdown_strip_param(0U);
  CHECK(gain && !strcmp(table->name, "gain_db"));
  CHECK(gain && json_real_value(json_object_get(gain, "min")) == table->min &&
        json_real_value(json_object_get(gain, "max")) == table->max &&
        json_real_value(json_object_get(gain, "default")) == table->default_value &&
        !strcmp(json_string_value(json_object_get(gain, "unit")), table->unit) &&
        !strcmp(json_string_value(json_object_get(gain, "description")), table->description));
  CHECK(gain && json_real_value(json_object_get(gain, "value")) == -3.0);
  CHECK(gain && !strcmp(json_string_value(json_object_get(gain, "address")), "/track/vox/gain_db"));
  CHECK(gain && json_is_null(json_object_get(gain, "fixed")));
  // An envelope: its value at the position (0 s: -0.5), marked automated.
  json_t* pan = param_named(json_object_get(json_array_get(strips, 1U), "params"), "pan");
  CHECK(pan && json_is_true(json_object_get(pan, "automated")) &&
        fabs(json_real_value(json_object_get(pan, "value")) + 0.5) < 1e-9);
  // Sends: the bus, the level, pre_fader fixed while playing with why.
  json_t* send = json_array_get(json_object_get(vox, "sends"), 0U);
  CHECK(send && !strcmp(json_string_value(json_object_get(send, "to")), "verb") &&
        !strcmp(json_string_value(json_object_get(send, "address")), "/track/vox/send/verb"));
  json_t* level = param_named(json_object_get(send, "params"), "level_db");
  json_t* pre   = param_named(json_object_get(send, "params"), "pre_fader");
  CHECK(level && json_real_value(json_object_get(level, "value")) == -12.0);
  CHECK(pre && json_is_string(json_object_get(pre, "fixed")) && strlen(json_string_value(json_object_get(pre, "fixed"))) > 10U);
  // Inserts: bypass first, an EQ's bands as items, a compressor's read-out and curve.
  json_t* inserts = json_object_get(vox, "inserts");
  json_t* eq      = json_array_get(inserts, 0U);
  json_t* comp    = json_array_get(inserts, 1U);
  CHECK(eq && !strcmp(json_string_value(json_object_get(eq, "type")), "eq") &&
        json_integer_value(json_object_get(eq, "n")) == 1 &&
        !strcmp(json_string_value(json_object_get(eq, "curve")), "eq"));
  json_t* eq_params = json_object_get(eq, "params");
  CHECK(eq_params && !strcmp(json_string_value(json_object_get(json_array_get(eq_params, 0U), "name")), "bypass"));
  json_t* bands = param_named(eq_params, "bands");
  json_t* items = json_object_get(bands, "items");
  CHECK_MSG(json_array_size(items) == 2U, "%zu bands", json_array_size(items));
  json_t* band_gain = param_named(json_array_get(items, 1U), "gain_db");
  CHECK(band_gain && json_real_value(json_object_get(band_gain, "value")) == 2.0 &&
        !strcmp(json_string_value(json_object_get(band_gain, "address")), "/track/vox/insert/1/bands/2/gain_db"));
  json_t* band_type = param_named(json_array_get(items, 1U), "type");
  CHECK(band_type && !strcmp(json_string_value(json_object_get(band_type, "kind")), "choice") &&
        json_array_size(json_object_get(band_type, "choices")) >= 2U);
  CHECK(comp && !strcmp(json_string_value(json_object_get(comp, "curve")), "dynamics") &&
        !strcmp(json_string_value(json_array_get(json_object_get(comp, "meters"), 0U)), "gain_reduction_db"));
  json_t* threshold = param_named(json_object_get(comp, "params"), "threshold_db");
  CHECK(threshold && json_real_value(json_object_get(threshold, "value")) == -20.0);
  // The master: its fader.
  json_t* master = json_array_get(strips, 3U);
  CHECK(param_named(json_object_get(master, "params"), "gain_db") != NULL);
  CHECK(json_is_false(json_object_get(state, "dirty")) && json_is_false(json_object_get(state, "can_undo")));
  json_decref(state);
  free(text);
  fixture_close(&fx);
}

/* Gestures, undo, redo -------------------------------------------------------------- */

static void
test_console_gesture_is_one_step_and_undo_gives_the_bytes_back(void)
{
  Fixture fx;
  if (!fixture_open(&fx)) {
    fixture_close(&fx);
    return;
  }
  move(&fx, 1, "/track/vox/gain_db", -4.0, "g1");
  move(&fx, 1, "/track/vox/gain_db", -5.5, "g1");
  move(&fx, 1, "/track/vox/gain_db", -6.0, "g1");
  run(&fx, 4);
  CHECK_MSG(count_of(fx.box, "value", "\"client\":1") == 3U, "%zu value messages",
            count_of(fx.box, "value", "\"client\":1"));
  CHECK(count_of(fx.box, "value", "\"client\":null") == 0U); // read back: known as the page's
  CHECK(count_of(fx.box, "history", NULL) == 0U);            // the gesture is open
  CHECK(md_console_dirty(fx.console));
  end(&fx, 1, "g1");
  CHECK(history_is(fx.box, true, true, false));
  size_t      length = 0U;
  MixdownEditor* none = NULL;
  (void)none;
  char* after = md_console_state_json(fx.console, 1);
  CHECK(after && strstr(after, "\"value\":-6.0"));
  free(after);
  // Saved, the file differs in that one line, its comment kept.
  outbox_clear(fx.box);
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_SAVE});
  char* saved = test_read_file(fx.path, NULL);
  CHECK(saved && lines_differing(saved, fx.original) == 1);
  CHECK(saved && strstr(saved, "    gain_db: -6   # rode the fader\n"));
  CHECK(count_of(fx.box, "saved", "console.yaml") == 1U && history_is(fx.box, false, true, false));
  // Undo: the exact bytes again, the value moved back live and shown.
  outbox_clear(fx.box);
  request(&fx, 2, (MdServeRequest){.kind = MD_REQ_UNDO});
  CHECK(history_is(fx.box, true, false, true));
  CHECK(count_of(fx.box, "value", "\"address\":\"/track/vox/gain_db\",\"value\":-3.0,\"client\":null") == 1U);
  request(&fx, 2, (MdServeRequest){.kind = MD_REQ_SAVE});
  free(saved);
  saved = test_read_file(fx.path, NULL);
  CHECK_MSG(saved && !strcmp(saved, fx.original), "after undo and save the file is not the original");
  (void)length;
  // The move back reached the player (and is not taken for an OSC move).
  outbox_clear(fx.box);
  run(&fx, 2);
  CHECK(count_of(fx.box, "value", NULL) == 0U);
  // Redo.
  request(&fx, 2, (MdServeRequest){.kind = MD_REQ_REDO});
  CHECK(history_is(fx.box, true, true, false));
  CHECK(count_of(fx.box, "value", "\"value\":-6.0,\"client\":null") == 1U);
  // Nothing more to redo: a note, nothing changes.
  outbox_clear(fx.box);
  request(&fx, 2, (MdServeRequest){.kind = MD_REQ_REDO});
  CHECK(count_of(fx.box, "note", "nothing to redo") == 1U && count_of(fx.box, "value", NULL) == 0U);
  free(saved);
  fixture_close(&fx);
}

static void
test_console_moves_without_gesture_and_pages_that_go(void)
{
  Fixture fx;
  if (!fixture_open(&fx)) {
    fixture_close(&fx);
    return;
  }
  // A switch without a gesture: a step of its own, written `true`.
  move(&fx, 1, "/track/gtr/mute", 1.0, "");
  CHECK(history_is(fx.box, true, true, false));
  // A page that goes mid-gesture: its moves are kept as a step.
  move(&fx, 2, "/track/vox/insert/2/threshold_db", -30.0, "k9");
  move(&fx, 3, "/bus/verb/gain_db", -2.0, "z1");
  md_console_client_gone(fx.console, 2, capture, fx.box);
  end(&fx, 3, "z1");
  // An insert's bypass (the key every insert has): written `bypass: true`.
  move(&fx, 1, "/track/vox/insert/1/bypass", 1.0, "");
  // Two moves of one page in different gestures: two steps.
  move(&fx, 1, "/track/vox/pan", 0.25, "a");
  move(&fx, 1, "/track/vox/pan", 0.5, "b");
  end(&fx, 1, "b");
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_SAVE});
  char* saved = test_read_file(fx.path, NULL);
  CHECK(saved && strstr(saved, "mute: true") && strstr(saved, "threshold_db: -30") && strstr(saved, "pan: 0.5"));
  CHECK(saved && strstr(saved, "name: verb") && strstr(saved, "gain_db: -2"));
  CHECK(saved && strstr(saved, "gain_db: 2}], bypass: true}\n"));
  free(saved);
  // Six steps back: the original bytes (the two pans were two steps).
  for (int k = 0; k < 6; ++k) {
    request(&fx, 1, (MdServeRequest){.kind = MD_REQ_UNDO});
  }
  CHECK(history_is(fx.box, true, false, true));
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_SAVE});
  saved = test_read_file(fx.path, NULL);
  CHECK_MSG(saved && !strcmp(saved, fx.original), "six undos do not give the original back");
  free(saved);
  fixture_close(&fx);
}

static void
test_console_refuses_with_reasons(void)
{
  Fixture fx;
  if (!fixture_open(&fx)) {
    fixture_close(&fx);
    return;
  }
  move(&fx, 1, "/track/voxx/gain_db", -6.0, "");
  json_t* e = last_of(fx.box, "error");
  CHECK_MSG(e && strstr(json_string_value(json_object_get(e, "message")), "vox"), "no nearest name: %s",
            e ? json_string_value(json_object_get(e, "message")) : "(no error)");
  CHECK(e && !strcmp(json_string_value(json_object_get(e, "address")), "/track/voxx/gain_db"));
  json_decref(e);
  outbox_clear(fx.box);
  move(&fx, 1, "/track/vox/send/verb/pre_fader", 1.0, "");
  CHECK(count_of(fx.box, "error", "pre_fader") == 1U);
  CHECK(count_of(fx.box, "value", "\"value\":0.0") == 1U); // the page shows what plays again
  CHECK(!md_console_dirty(fx.console));
  // Out of range: clamped to the table's range, shown and kept as such.
  outbox_clear(fx.box);
  move(&fx, 1, "/track/vox/gain_db", 100.0, "");
  CHECK(count_of(fx.box, "value", "\"value\":24.0,\"client\":1") == 1U);
  fixture_close(&fx);
}

/* Save ------------------------------------------------------------------------------- */

static void
test_console_save_refuses_a_file_changed_on_disk_and_save_as_writes_a_copy(void)
{
  Fixture fx;
  if (!fixture_open(&fx)) {
    fixture_close(&fx);
    return;
  }
  move(&fx, 1, "/track/vox/gain_db", -9.0, "");
  char changed[70000];
  snprintf(changed, sizeof changed, "%s# changed by hand\n", fx.original);
  test_write_text(fx.path, changed);
  outbox_clear(fx.box);
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_SAVE});
  json_t* e = last_of(fx.box, "error");
  CHECK_MSG(e && strstr(json_string_value(json_object_get(e, "message")), "changed on disk"), "%s",
            e ? json_string_value(json_object_get(e, "message")) : "(no error)");
  CHECK(e && !strncmp(json_string_value(json_object_get(e, "message")), fx.path, strlen(fx.path)));
  json_decref(e);
  char* now = test_read_file(fx.path, NULL);
  CHECK(now && !strcmp(now, changed)); // untouched
  free(now);
  CHECK(md_console_dirty(fx.console));
  // Save as: a copy beside the session; the session stays unsaved.
  MdServeRequest as = {.kind = MD_REQ_SAVE_AS};
  snprintf(as.path, sizeof as.path, "copy-of-console.yaml");
  unlink(test_path("copy-of-console.yaml"));
  outbox_clear(fx.box);
  request(&fx, 1, as);
  CHECK(count_of(fx.box, "saved", "copy-of-console.yaml") == 1U);
  char* copy = test_read_file(test_path("copy-of-console.yaml"), NULL);
  CHECK(copy && strstr(copy, "gain_db: -9   # rode the fader") && lines_differing(copy, fx.original) == 1);
  free(copy);
  CHECK(md_console_dirty(fx.console));
  request(&fx, 1, as); // again: the copy this run wrote may be written again
  CHECK(count_of(fx.box, "saved", "copy-of-console.yaml") == 2U);
  // Refused: above the folder, absolute, not a session's name, an existing file, a source.
  const char* refused[] = {"../up.yaml", "/tmp/abs.yaml", "notes.txt", "console.yaml", "c1.wav"};
  for (size_t k = 0U; k < sizeof refused / sizeof *refused; ++k) {
    snprintf(as.path, sizeof as.path, "%s", refused[k]);
    outbox_clear(fx.box);
    request(&fx, 1, as);
    CHECK_MSG(count_of(fx.box, "error", NULL) == 1U && count_of(fx.box, "saved", NULL) == 0U, "save as %s",
              refused[k]);
  }
  now = test_read_file(fx.path, NULL);
  CHECK(now && !strcmp(now, changed));
  free(now);
  fixture_close(&fx);
}

/* Moves no page made ----------------------------------------------------------------- */

static void
test_console_shows_and_keeps_osc_moves(void)
{
  Fixture fx;
  if (!fixture_open(&fx)) {
    fixture_close(&fx);
    return;
  }
  // As live/osc.c does: parsed and sent straight to the player.
  const double values[] = {-10.0, -11.0};
  for (int k = 0; k < 2; ++k) {
    MdCommand command;
    char      note[256];
    CHECK(md_control_parse(fx.session, "/track/gtr/gain_db", &values[k], 1U, &command, note, sizeof note));
    CHECK(md_player_send(fx.player, &command));
  }
  move(&fx, 1, "/track/vox/gain_db", -1.0, "p"); // a page's move between: not OSC's
  run(&fx, 2);
  CHECK_MSG(count_of(fx.box, "value", "\"address\":\"/track/gtr/gain_db\",\"value\":-11.0,\"client\":null") == 1U,
            "the OSC move is not shown");
  CHECK(count_of(fx.box, "value", "\"address\":\"/track/vox/gain_db\",\"value\":-1.0,\"client\":null") == 0U);
  CHECK(count_of(fx.box, "history", NULL) == 0U);
  md_sleep_seconds(0.35); // a pause ends the burst: one step
  run(&fx, 1);
  CHECK(history_is(fx.box, true, true, false));
  end(&fx, 1, "p");
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_SAVE});
  char* saved = test_read_file(fx.path, NULL);
  CHECK(saved && strstr(saved, "{name: gtr, file: c1.wav, pan: {points: [[0, -0.5], [2, 0.5]]}, gain_db: -11}"));
  free(saved);
  fixture_close(&fx);
}

/* Transport and curves -------------------------------------------------------------- */

static void
test_console_transport_and_curves(void)
{
  Fixture fx;
  if (!fixture_open(&fx)) {
    fixture_close(&fx);
    return;
  }
  // Stopped: the transport once a second all the same (every page hears from the server).
  run(&fx, 1);
  outbox_clear(fx.box);
  run(&fx, 1);
  CHECK(count_of(fx.box, "transport", NULL) == 0U);
  md_sleep_seconds(1.05);
  run(&fx, 1);
  CHECK(count_of(fx.box, "transport", "\"playing\":false") == 1U);
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_TRANSPORT, .action = MD_TRANSPORT_LOCATE, .position_s = 1.5});
  json_t* t = last_of(fx.box, "transport");
  CHECK(t && json_real_value(json_object_get(t, "position_s")) == 1.5 && json_is_false(json_object_get(t, "playing")));
  json_decref(t);
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_TRANSPORT, .action = MD_TRANSPORT_LOOP, .loop_on = true,
                                   .from_s = 1.0, .to_s = 2.0});
  t = last_of(fx.box, "transport");
  CHECK(t && json_array_size(json_object_get(t, "loop")) == 2U &&
        json_real_value(json_array_get(json_object_get(t, "loop"), 1U)) == 2.0);
  json_decref(t);
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_TRANSPORT, .action = MD_TRANSPORT_PLAY});
  run(&fx, 20);
  t = last_of(fx.box, "transport");
  CHECK(t && json_is_true(json_object_get(t, "playing")));
  json_decref(t);
  char* state = md_console_state_json(fx.console, 1);
  CHECK(state && strstr(state, "\"loop\":[1.0,2.0]"));
  free(state);
  // Beyond the session: refused with why.
  outbox_clear(fx.box);
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_TRANSPORT, .action = MD_TRANSPORT_LOCATE, .position_s = 4000.0});
  CHECK(count_of(fx.box, "error", "/transport/locate") == 1U);
  // A curve asked for, and pushed after a value of its insert moves.
  MdServeRequest curve = {.kind = MD_REQ_CURVE};
  snprintf(curve.address, sizeof curve.address, "/track/vox/insert/1");
  outbox_clear(fx.box);
  request(&fx, 1, curve);
  CHECK(count_of(fx.box, "curve", "\"kind\":\"eq\"") == 1U);
  outbox_clear(fx.box);
  move(&fx, 1, "/track/vox/insert/1/bands/2/gain_db", 6.0, "e");
  run(&fx, 1);
  json_t* c = last_of(fx.box, "curve");
  CHECK(c && !strcmp(json_string_value(json_object_get(c, "address")), "/track/vox/insert/1"));
  // At 3 kHz the bell now reads +6 dB (the pending move's value).
  double  best_hz = 1e9, best_db = 0.0;
  size_t  k;
  json_t* point;
  json_array_foreach(json_object_get(c, "points"), k, point)
  {
    const double hz = json_real_value(json_array_get(point, 0U));
    if (fabs(log(hz / 3000.0)) < fabs(log(best_hz / 3000.0))) {
      best_hz = hz;
      best_db = json_real_value(json_array_get(point, 1U));
    }
  }
  CHECK_NEAR(best_db, 6.0, 0.3);
  json_decref(c);
  snprintf(curve.address, sizeof curve.address, "/track/vox/insert/9");
  outbox_clear(fx.box);
  request(&fx, 1, curve);
  CHECK(count_of(fx.box, "error", NULL) == 1U);
  fixture_close(&fx);
}

/* An LV2 insert ------------------------------------------------------------------------ */

#define SINGLE_PARA "http://plugin.org.uk/swh-plugins/singlePara"

typedef struct {
  const char* name;
  double      min, max, default_value;
  bool        found;
} PortRange;

static void
note_port(void* user, const MixdownParamInfo* info)
{
  PortRange* ports = user;
  for (PortRange* p = ports; p->name; ++p) {
    if (!strcmp(p->name, info->name)) {
      *p = (PortRange){p->name, info->min, info->max, info->default_value, true};
    }
  }
}

static void
test_console_lv2_insert_gets_the_plugins_ports(void)
{
  if (!mixdown_has_feature(MIXDOWN_FEATURE_LV2) ||
      (access("/usr/lib/lv2/single_para-swh.lv2/manifest.ttl", R_OK) != 0 &&
       access("/usr/local/lib/lv2/single_para-swh.lv2/manifest.ttl", R_OK) != 0)) {
    test_skip("no LV2 host or swh-lv2 here (scripts/install-deps.sh installs it)");
  }
  static const char yaml[] = "mixdown: 1\nsample_rate: 48000\ntracks:\n"
                             "  - {name: t, file: c1.wav, inserts: [{type: lv2, uri: \"" SINGLE_PARA "\",\n"
                             "     params: {gain: 6, fc: 1000, bw: 1}}]}\n";
  Fixture fx;
  if (!fixture_open_yaml(&fx, yaml)) {
    fixture_close(&fx);
    return;
  }
  PortRange ports[] = {{"gain", 0, 0, 0, false}, {"fc", 0, 0, 0, false}, {"bw", 0, 0, 0, false}, {NULL, 0, 0, 0, false}};
  char      name[256], why[512];
  CHECK(mixdown_plugin_describe(SINGLE_PARA, RATE, note_port, NULL, ports, name, sizeof name, why, sizeof why) == 0);
  char*   text   = md_console_state_json(fx.console, 1);
  json_t* state  = text ? json_loads(text, 0, NULL) : NULL;
  json_t* insert = json_array_get(json_object_get(json_array_get(json_object_get(state, "strips"), 0U), "inserts"), 0U);
  json_t* params = json_object_get(insert, "params");
  CHECK(insert && !strcmp(json_string_value(json_object_get(insert, "type")), "lv2"));
  CHECK(params && !strcmp(json_string_value(json_object_get(json_array_get(params, 0U), "name")), "bypass"));
  for (const PortRange* p = ports; p->name; ++p) {
    json_t* param = param_named(params, p->name);
    CHECK_MSG(p->found && param && json_real_value(json_object_get(param, "min")) == p->min &&
                json_real_value(json_object_get(param, "max")) == p->max &&
                json_real_value(json_object_get(param, "default")) == p->default_value,
              "port %s: the state's range is not the plugin's", p->name);
  }
  CHECK(json_real_value(json_object_get(param_named(params, "gain"), "value")) == 6.0);
  json_decref(state);
  free(text);
  move(&fx, 1, "/track/t/insert/1/gain", -3.0, "");
  CHECK(count_of(fx.box, "value", "\"address\":\"/track/t/insert/1/gain\",\"value\":-3.0") == 1U);
  request(&fx, 1, (MdServeRequest){.kind = MD_REQ_SAVE});
  char* saved = test_read_file(fx.path, NULL);
  CHECK(saved && strstr(saved, "params: {gain: -3, fc: 1000, bw: 1}}]}"));
  free(saved);
  fixture_close(&fx);
}

const TestCase serve_console_tests[] = {
  {"serve_console_state_is_the_tables_and_the_file", test_console_state_is_the_tables_and_the_file},
  {"serve_console_gesture_is_one_step_and_undo_gives_the_bytes_back",
   test_console_gesture_is_one_step_and_undo_gives_the_bytes_back},
  {"serve_console_moves_without_gesture_and_pages_that_go", test_console_moves_without_gesture_and_pages_that_go},
  {"serve_console_refuses_with_reasons", test_console_refuses_with_reasons},
  {"serve_console_save_refuses_a_file_changed_on_disk_and_save_as_writes_a_copy",
   test_console_save_refuses_a_file_changed_on_disk_and_save_as_writes_a_copy},
  {"serve_console_shows_and_keeps_osc_moves", test_console_shows_and_keeps_osc_moves},
  {"serve_console_transport_and_curves", test_console_transport_and_curves},
  {"serve_console_lv2_insert_gets_the_plugins_ports", test_console_lv2_insert_gets_the_plugins_ports},
  {NULL, NULL},
};
