// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The console's wire (src/serve/protocol.h): every page message read with
// its fields exactly; every refusal with its exact reason; the encoders'
// exact text.

#include "support.h"

#include "serve/protocol.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
parse(const char* text, MdServeRequest* r, char* why, size_t why_size)
{
  why[0] = '\0';
  return md_serve_request_parse(text, strlen(text), r, why, why_size);
}

static void
test_protocol_reads_every_message(void)
{
  MdServeRequest r;
  char           why[512];
  CHECK(parse("{\"type\":\"hello\",\"audio\":true,\"tap\":false}", &r, why, sizeof why) && r.kind == MD_REQ_HELLO &&
        r.audio && !r.tap);
  CHECK(parse("{\"type\":\"hello\"}", &r, why, sizeof why) && !r.audio && !r.tap);
  CHECK(parse("{\"type\":\"set\",\"address\":\"/track/vocal/gain_db\",\"value\":-6.5,\"gesture\":\"g17\"}", &r, why,
              sizeof why) &&
        r.kind == MD_REQ_SET && !strcmp(r.address, "/track/vocal/gain_db") && r.value == -6.5 &&
        !strcmp(r.gesture, "g17"));
  CHECK(parse("{\"type\":\"set\",\"address\":\"/track/v/mute\",\"value\":true}", &r, why, sizeof why) &&
        r.value == 1.0 && r.gesture[0] == '\0');
  CHECK(parse("{\"type\":\"set\",\"address\":\"/track/v/pan\",\"value\":0}", &r, why, sizeof why) && r.value == 0.0);
  CHECK(parse("{\"type\":\"end\",\"gesture\":\"g17\"}", &r, why, sizeof why) && r.kind == MD_REQ_END &&
        !strcmp(r.gesture, "g17"));
  CHECK(parse("{\"type\":\"transport\",\"action\":\"play\"}", &r, why, sizeof why) && r.kind == MD_REQ_TRANSPORT &&
        r.action == MD_TRANSPORT_PLAY);
  CHECK(parse("{\"type\":\"transport\",\"action\":\"stop\"}", &r, why, sizeof why) && r.action == MD_TRANSPORT_STOP);
  CHECK(parse("{\"type\":\"transport\",\"action\":\"locate\",\"position_s\":12.5}", &r, why, sizeof why) &&
        r.action == MD_TRANSPORT_LOCATE && r.position_s == 12.5);
  CHECK(parse("{\"type\":\"transport\",\"action\":\"loop\",\"from_s\":4,\"to_s\":8}", &r, why, sizeof why) &&
        r.action == MD_TRANSPORT_LOOP && r.loop_on && r.from_s == 4.0 && r.to_s == 8.0);
  CHECK(parse("{\"type\":\"transport\",\"action\":\"loop\"}", &r, why, sizeof why) && r.action == MD_TRANSPORT_LOOP &&
        !r.loop_on);
  CHECK(parse("{\"type\":\"undo\"}", &r, why, sizeof why) && r.kind == MD_REQ_UNDO);
  CHECK(parse("{\"type\":\"redo\"}", &r, why, sizeof why) && r.kind == MD_REQ_REDO);
  CHECK(parse("{\"type\":\"save\"}", &r, why, sizeof why) && r.kind == MD_REQ_SAVE);
  CHECK(parse("{\"type\":\"save_as\",\"path\":\"copy.yaml\"}", &r, why, sizeof why) && r.kind == MD_REQ_SAVE_AS &&
        !strcmp(r.path, "copy.yaml"));
  CHECK(parse("{\"type\":\"credit\",\"frames\":256,\"underruns\":2,\"buffered\":1800}", &r, why, sizeof why) &&
        r.kind == MD_REQ_CREDIT && r.frames == 256U && r.underruns == 2U && r.buffered == 1800U);
  CHECK(parse("{\"type\":\"credit\",\"frames\":0}", &r, why, sizeof why) && r.frames == 0U && r.buffered == 0U);
  CHECK(parse("{\"type\":\"listen\"}", &r, why, sizeof why) && r.kind == MD_REQ_LISTEN);
  CHECK(parse("{\"type\":\"curve\",\"address\":\"/track/lead/insert/1\"}", &r, why, sizeof why) &&
        r.kind == MD_REQ_CURVE && !strcmp(r.address, "/track/lead/insert/1"));
  CHECK_MSG(parse(" {\"address\":\"/master/gain_db\", \"type\":\"set\", \"value\":1e2}\n", &r, why, sizeof why) &&
              r.value == 100.0,
            "%s", why);
}

typedef struct {
  const char* text;
  const char* why;
} Refusal;

static void
test_protocol_refuses_with_reasons(void)
{
  static const Refusal refusals[] = {
    {"", "not JSON: '[' or '{' expected near end of file (column 0)"},
    {"not json", "not JSON: '[' or '{' expected near 'not' (column 3)"},
    {"[1, 2]", "a message is a JSON object with a `type`"},
    {"{}", "a message has a `type`"},
    {"{\"type\":3}", "`type` is a string"},
    {"{\"type\":\"sett\"}", "unknown message type `sett` (did you mean `set`?)"},
    {"{\"type\":\"frobnicate\"}",
     "unknown message type `frobnicate` (valid: hello, set, end, transport, undo, redo, save, save_as, credit, listen, curve)"},
    {"{\"type\":\"set\",\"address\":\"/a\",\"vale\":1}", "`set` has no field `vale` (did you mean `value`?)"},
    {"{\"type\":\"set\",\"address\":\"/a\",\"value\":1,\"zzzzzz\":1}",
     "`set` has no field `zzzzzz` (its fields: address, value, gesture)"},
    {"{\"type\":\"undo\",\"steps\":2}", "`undo` has no field `steps` (it has none besides `type`)"},
    {"{\"type\":\"set\",\"value\":1}", "`set` needs `address`"},
    {"{\"type\":\"set\",\"address\":\"/a\"}", "`set` needs `value`"},
    {"{\"type\":\"set\",\"address\":7,\"value\":1}", "`address` of `set` is a string"},
    {"{\"type\":\"set\",\"address\":\"track/a/gain_db\",\"value\":1}",
     "`address` of `set` starts with `/` (as `/track/NAME/gain_db`)"},
    {"{\"type\":\"set\",\"address\":\"\",\"value\":1}", "`address` of `set` is 1 … 511 bytes long, not 0"},
    {"{\"type\":\"set\",\"address\":\"/a\",\"value\":\"-6\"}", "`value` of `set` is a number (or true, false)"},
    {"{\"type\":\"set\",\"address\":\"/a\",\"value\":null}", "`value` of `set` is a number (or true, false)"},
    {"{\"type\":\"set\",\"address\":\"/a\",\"value\":1,\"gesture\":\"\"}", "`gesture` of `set` is 1 … 63 bytes long, not 0"},
    {"{\"type\":\"end\"}", "`end` needs `gesture`"},
    {"{\"type\":\"hello\",\"audio\":1}", "`audio` of `hello` is true or false"},
    {"{\"type\":\"transport\"}", "`transport` needs `action`"},
    {"{\"type\":\"transport\",\"action\":\"paly\"}", "unknown transport action `paly` (did you mean `play`?)"},
    {"{\"type\":\"transport\",\"action\":\"rewind-to-the-very-start\"}",
     "unknown transport action `rewind-to-the-very-start` (valid: play, stop, locate, loop)"},
    {"{\"type\":\"transport\",\"action\":\"locate\"}", "`transport` needs `position_s`"},
    {"{\"type\":\"transport\",\"action\":\"locate\",\"position_s\":-1}",
     "`position_s` of `transport` is -1: below the valid range (0 … 86400)"},
    {"{\"type\":\"transport\",\"action\":\"locate\",\"position_s\":90000}",
     "`position_s` of `transport` is 90000: above the valid range (0 … 86400)"},
    {"{\"type\":\"transport\",\"action\":\"play\",\"position_s\":1}", "`position_s` is not a field of the transport's `play`"},
    {"{\"type\":\"transport\",\"action\":\"locate\",\"position_s\":1,\"to_s\":2}",
     "`to_s` is not a field of the transport's `locate`"},
    {"{\"type\":\"transport\",\"action\":\"loop\",\"from_s\":4}", "`transport` needs `to_s`"},
    {"{\"type\":\"transport\",\"action\":\"loop\",\"from_s\":8,\"to_s\":4}", "a loop ends after it starts: `from_s` 8, `to_s` 4"},
    {"{\"type\":\"transport\",\"action\":\"loop\",\"from_s\":4,\"to_s\":4}", "a loop ends after it starts: `from_s` 4, `to_s` 4"},
    {"{\"type\":\"save_as\"}", "`save_as` needs `path`"},
    {"{\"type\":\"credit\"}", "`credit` needs `frames`"},
    {"{\"type\":\"credit\",\"frames\":-1}", "`frames` of `credit` is a whole number of 0 … 16777216"},
    {"{\"type\":\"credit\",\"frames\":2.5}", "`frames` of `credit` is a whole number of 0 … 16777216"},
    {"{\"type\":\"credit\",\"frames\":16777217}", "`frames` of `credit` is a whole number of 0 … 16777216"},
    {"{\"type\":\"credit\",\"frames\":1,\"underruns\":-3}",
     "`underruns` of `credit` is a whole number of 0 … 9007199254740992"},
    {"{\"type\":\"curve\"}", "`curve` needs `address`"},
    {"{\"type\":\"set\",\"type\":\"undo\"}", "not JSON: duplicate object key near '\"type\"' (column 20)"},
  };
  for (size_t k = 0U; k < sizeof refusals / sizeof refusals[0]; ++k) {
    MdServeRequest r;
    char           why[512];
    const bool     ok = parse(refusals[k].text, &r, why, sizeof why);
    CHECK_MSG(!ok && !strcmp(why, refusals[k].why), "%s: %s\n      expected: %s", refusals[k].text,
              ok ? "(accepted)" : why, refusals[k].why);
  }
}

static void
test_protocol_refuses_what_does_not_fit(void)
{
  MdServeRequest r;
  char           why[512];
  // 1e999 overflows: jansson refuses it as JSON (no infinity reaches a value).
  CHECK(!parse("{\"type\":\"set\",\"address\":\"/a\",\"value\":1e999}", &r, why, sizeof why) &&
        !strncmp(why, "not JSON: real number overflow", 30U));
  // An address of 512 bytes does not fit; 511 does.
  char text[1200];
  char address[513];
  memset(address, 'a', 512U);
  address[0]   = '/';
  address[512] = '\0';
  snprintf(text, sizeof text, "{\"type\":\"curve\",\"address\":\"%s\"}", address);
  CHECK(!parse(text, &r, why, sizeof why) && !strcmp(why, "`address` of `curve` is 1 … 511 bytes long, not 512"));
  address[511] = '\0';
  snprintf(text, sizeof text, "{\"type\":\"curve\",\"address\":\"%s\"}", address);
  CHECK(parse(text, &r, why, sizeof why) && strlen(r.address) == 511U);
  // A NUL inside a string (\u0000) is refused by jansson.
  CHECK(!parse("{\"type\":\"save_as\",\"path\":\"a\\u0000b.yaml\"}", &r, why, sizeof why) &&
        !strncmp(why, "not JSON:", 9U));
  // Over 64 KiB: refused before it is read.
  const size_t big    = MD_SERVE_MESSAGE_MAX + 1U;
  char*        padded = malloc(big + 1U);
  if (padded) {
    memset(padded, ' ', big);
    memcpy(padded, "{\"type\":\"undo\"}", 15U);
    padded[big] = '\0';
    CHECK(!md_serve_request_parse(padded, big, &r, why, sizeof why) && !strcmp(why, "a message over 64 KiB"));
    CHECK(md_serve_request_parse(padded, big - 1U, &r, why, sizeof why) && r.kind == MD_REQ_UNDO);
    free(padded);
  }
  // A refused message leaves nothing half read.
  CHECK(!parse("{\"type\":\"set\",\"address\":\"/a/b\",\"value\":\"x\"}", &r, why, sizeof why) && r.address[0] == '\0');
}

static void
test_protocol_encoders(void)
{
  struct {
    char*       got;
    const char* want;
  } cases[] = {
    {md_serve_value_json("/track/v/gain_db", -6.0, 3, false),
     "{\"type\":\"value\",\"address\":\"/track/v/gain_db\",\"value\":-6.0,\"client\":3,\"automated\":false}"},
    {md_serve_value_json("/track/v/mute", 1.0, -1, true),
     "{\"type\":\"value\",\"address\":\"/track/v/mute\",\"value\":1.0,\"client\":null,\"automated\":true}"},
    {md_serve_history_json(true, true, false), "{\"type\":\"history\",\"dirty\":true,\"can_undo\":true,\"can_redo\":false}"},
    {md_serve_transport_json(true, 1.5, true, 4.0, 8.0),
     "{\"type\":\"transport\",\"playing\":true,\"position_s\":1.5,\"loop\":[4.0,8.0]}"},
    {md_serve_transport_json(false, 0.0 / 0.0, false, 0.0, 0.0),
     "{\"type\":\"transport\",\"playing\":false,\"position_s\":0.0,\"loop\":null}"},
    {md_serve_error_json("x.yaml:3:5: error: no", "/a"), "{\"type\":\"error\",\"message\":\"x.yaml:3:5: error: no\",\"address\":\"/a\"}"},
    {md_serve_error_json("busy", NULL), "{\"type\":\"error\",\"message\":\"busy\",\"address\":null}"},
    {md_serve_note_json("nothing to undo"), "{\"type\":\"note\",\"message\":\"nothing to undo\"}"},
    {md_serve_saved_json("song \"2\".yaml"), "{\"type\":\"saved\",\"path\":\"song \\\"2\\\".yaml\"}"},
  };
  for (size_t k = 0U; k < sizeof cases / sizeof cases[0]; ++k) {
    CHECK_MSG(cases[k].got && !strcmp(cases[k].got, cases[k].want), "%s\n      expected %s",
              cases[k].got ? cases[k].got : "(null)", cases[k].want);
    free(cases[k].got);
  }
}

const TestCase serve_protocol_tests[] = {
  {"serve_protocol_reads_every_message", test_protocol_reads_every_message},
  {"serve_protocol_refuses_with_reasons", test_protocol_refuses_with_reasons},
  {"serve_protocol_refuses_what_does_not_fit", test_protocol_refuses_what_does_not_fit},
  {"serve_protocol_encoders", test_protocol_encoders},
  {NULL, NULL},
};
