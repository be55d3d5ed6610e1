// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `mixdown graph`: a session's routing as text — every strip in run order
// with its inserts and their latencies, its output and sends, sidechain
// keys and the delays that align them — or, with --dot, as a Graphviz
// digraph.  Read through the public mixdown_graph_* functions.

#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
  "usage: mixdown graph SESSION [--dot]\n"
  "Print SESSION's routing: every track, bus and the master in the order they run, with\n"
  "their inserts (type and latency), output, sends (level, pre- or post-fader), sidechain\n"
  "keys, the latency at each strip and the delays that align what meets at a bus.\n"
  "\n"
  "  --dot   print a Graphviz digraph instead (mixdown graph s.yaml --dot | dot -Tsvg > s.svg):\n"
  "          sends labelled with their levels, sidechains dashed, muted strips grey\n"
  "\n"
  "Nothing is rendered or written.  Exit code 0, or 2 for an invalid session.\n";

static const char* const kind_names[] = {"track", "bus", "master"};

// "240 frames (5.00 ms)", or "0 frames".
static const char*
frames_text(uint64_t frames, double rate, char* out, size_t size)
{
  if (frames == 0U) {
    snprintf(out, size, "0 frames");
  } else {
    snprintf(out, size, "%llu frame%s (%.2f ms)", (unsigned long long)frames, frames == 1U ? "" : "s",
             (double)frames * 1000.0 / rate);
  }
  return out;
}

static const char*
channels_text(uint32_t channels)
{
  return channels == 1U ? "mono" : "stereo";
}

// The sidechains node `key` feeds: "vocal insert 2 (compressor)".
static void
print_keys(const MixdownGraph* g, uint32_t key)
{
  for (uint32_t i = 0U; i < mixdown_graph_node_count(g); ++i) {
    const MixdownGraphInsert* ins;
    for (uint32_t k = 0U; (ins = mixdown_graph_insert(g, i, k)); ++k) {
      if (ins->key == key) {
        printf("   keys      the sidechain of %s, insert %u (%s)\n", mixdown_graph_node(g, i)->name, k + 1U,
               ins->type);
      }
    }
  }
}

static void
print_inserts(const MixdownGraph* g, uint32_t index, double rate)
{
  const MixdownGraphInsert* ins;
  char                      text[64];
  for (uint32_t k = 0U; (ins = mixdown_graph_insert(g, index, k)); ++k) {
    char plugin[200] = "";
    if (ins->plugin) {
      snprintf(plugin, sizeof plugin, " (%s)", ins->plugin);
    }
    printf("   insert %-2u %s%s  latency %s", k + 1U, ins->type, plugin,
           frames_text(ins->latency_frames, rate, text, sizeof text));
    if (ins->key != MIXDOWN_GRAPH_NONE) {
      printf("; sidechain from %s, key delayed %s", mixdown_graph_node(g, ins->key)->name,
             frames_text(ins->key_delay_frames, rate, text, sizeof text));
    }
    printf("\n");
  }
}

static void
print_edges(const MixdownGraph* g, uint32_t index, double rate)
{
  const MixdownGraphEdge* e;
  char                    text[64];
  for (uint32_t k = 0U; (e = mixdown_graph_edge(g, index, k)); ++k) {
    const char* to = mixdown_graph_node(g, e->to)->name;
    if (e->is_send) {
      printf("   send      → %s at %+.1f dB%s, %s-fader", to, e->level_db, e->automated ? " (automated)" : "",
             e->pre_fader ? "pre" : "post");
    } else {
      printf("   output    → %s", to);
    }
    // The compensation: what this path waits for the latest input of `to`.
    if (e->delay_frames) {
      printf(", delayed %s to align", frames_text(e->delay_frames, rate, text, sizeof text));
    }
    printf("\n");
  }
}

static void
print_node(const MixdownGraph* g, uint32_t index, double rate)
{
  const MixdownGraphNode* n = mixdown_graph_node(g, index);
  char                    in[64];
  char                    out[64];
  // "3. track vocal (stereo)"; the master's name is its kind.
  printf("%u. %s%s%s (%s)%s\n", n->run_position + 1U, kind_names[n->kind], n->kind == 2 ? "" : " ",
         n->kind == 2 ? "" : n->name, channels_text(n->channels),
         n->audible ? "" : ", silent: muted or another strip soloed");
  print_inserts(g, index, rate);
  printf("   latency   in %s, inserts +%u, out %s\n", frames_text(n->latency_in_frames, rate, in, sizeof in),
         n->insert_latency_frames, frames_text(n->latency_out_frames, rate, out, sizeof out));
  if (n->tail_frames) {
    printf("   tail      %.2f s\n", (double)n->tail_frames / rate);
  }
  print_edges(g, index, rate);
  print_keys(g, index);
}

static void
print_text(const MixdownGraph* g, const char* path, double rate)
{
  const uint32_t n = mixdown_graph_node_count(g);
  char           latency[64];
  printf("%s: %u strips at %.0f Hz; latency on the master path %s, rendered past the end and dropped from the "
         "start\n",
         path, n, rate, frames_text(mixdown_graph_latency(g), rate, latency, sizeof latency));
  printf("run order:");
  for (uint32_t k = 0U; k < n; ++k) {
    printf("%s %s", k ? " →" : "", mixdown_graph_node(g, mixdown_graph_run_order(g, k))->name);
  }
  printf("\n\n");
  for (uint32_t k = 0U; k < n; ++k) {
    print_node(g, mixdown_graph_run_order(g, k), rate);
  }
}

/* Graphviz ----------------------------------------------------------------- */

// `text` inside a DOT string: quotes and backslashes escaped.
static void
print_dot_escaped(const char* text)
{
  for (const char* c = text; *c; ++c) {
    if (*c == '"' || *c == '\\') {
      putchar('\\');
    }
    putchar(*c);
  }
}

static void
print_dot_node(const MixdownGraph* g, uint32_t index, double rate)
{
  const MixdownGraphNode* n = mixdown_graph_node(g, index);
  char                    text[64];
  printf("  n%u [label=\"", index);
  print_dot_escaped(n->name);
  // The master's name says its kind.
  printf("\\n%s%s%s", n->kind == 2 ? "" : kind_names[n->kind], n->kind == 2 ? "" : " · ", channels_text(n->channels));
  const MixdownGraphInsert* ins;
  for (uint32_t k = 0U; (ins = mixdown_graph_insert(g, index, k)); ++k) {
    printf("%s", k ? " → " : "\\n");
    print_dot_escaped(ins->type);
    if (ins->latency_frames) {
      printf(" (%u fr)", ins->latency_frames);
    }
  }
  if (n->latency_out_frames) {
    printf("\\nlatency out %s", frames_text(n->latency_out_frames, rate, text, sizeof text));
  }
  printf("\"%s%s];\n", n->kind == 2 ? ", peripheries=2" : n->kind == 0 ? ", style=rounded" : "",
         n->audible ? "" : ", color=grey, fontcolor=grey");
}

static void
print_dot_edges(const MixdownGraph* g, uint32_t index)
{
  const MixdownGraphEdge* e;
  for (uint32_t k = 0U; (e = mixdown_graph_edge(g, index, k)); ++k) {
    printf("  n%u -> n%u [", index, e->to);
    if (e->is_send) {
      printf("label=\"%+.1f dB %s%s\"%s", e->level_db, e->pre_fader ? "pre" : "post", e->automated ? " (auto)" : "",
             e->delay_frames ? ", " : "");
    }
    if (e->delay_frames) {
      printf("taillabel=\"+%u fr\"", e->delay_frames);
    }
    printf("];\n");
  }
  const MixdownGraphInsert* ins;
  for (uint32_t k = 0U; (ins = mixdown_graph_insert(g, index, k)); ++k) {
    if (ins->key != MIXDOWN_GRAPH_NONE) {
      printf("  n%u -> n%u [style=dashed, label=\"sidechain: ", ins->key, index);
      print_dot_escaped(ins->type);
      printf("\"];\n");
    }
  }
}

static void
print_dot(const MixdownGraph* g, const char* path, double rate)
{
  printf("digraph \"");
  print_dot_escaped(path);
  printf("\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
         "  edge [fontname=\"Helvetica\", fontsize=10];\n");
  for (uint32_t k = 0U; k < mixdown_graph_node_count(g); ++k) {
    print_dot_node(g, mixdown_graph_run_order(g, k), rate);
  }
  for (uint32_t k = 0U; k < mixdown_graph_node_count(g); ++k) {
    print_dot_edges(g, mixdown_graph_run_order(g, k));
  }
  printf("}\n");
}

int
cmd_graph(int argc, char** argv)
{
  const char* path = NULL;
  bool        dot  = false;
  for (int i = 1; i < argc; ++i) {
    if (cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return CLI_OK;
    }
    if (!strcmp(argv[i], "--dot")) {
      dot = true;
    } else if (argv[i][0] == '-' || path) {
      fprintf(stderr, "mixdown graph: %s `%s`\n%s", argv[i][0] == '-' ? "unknown option" : "one session at a time:",
              argv[i], usage);
      return CLI_USAGE;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    fputs(usage, stderr);
    return CLI_USAGE;
  }
  MixdownSession* session = NULL;
  const int       code    = cli_open_session(path, &session);
  if (code) {
    return code;
  }
  MixdownGraph* graph = NULL;
  char          message[512];
  if (mixdown_graph_new(session, &graph, message, sizeof message)) {
    fprintf(stderr, "%s: error: %s\n", path, message);
    mixdown_session_free(session);
    return CLI_USAGE;
  }
  const double rate = mixdown_session_sample_rate(session);
  if (dot) {
    print_dot(graph, path, rate);
  } else {
    print_text(graph, path, rate);
  }
  mixdown_graph_free(graph);
  mixdown_session_free(session);
  return CLI_OK;
}
