// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Private to src/render*.c: one render's state (MdRender), the files it
// writes, and the functions its files share.  Control thread.

#ifndef MD_RENDER_INTERNAL_H
#define MD_RENDER_INTERNAL_H

#include "finish/finish.h"
#include "io/formats.h"
#include "io/path_guard.h"
#include "io/writer.h"
#include "mixdown.h"
#include "session/model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MD_RENDER_FRAMES 4096U

// One file the render writes, and what became of it.
typedef struct {
  const MdOutput*     spec;     ///< `output`, or an `outputs` item
  const char*         path;
  const MdFileFormat* file_format; ///< From the extension; a device's from `output.file`
  MixdownSampleFormat format;
  MdDither            dither;
  uint32_t            out_rate; ///< 0: the render rate
  double              quality;  ///< < 0: the writer's default
  MdFinishGoal        goal;
  MdWriter*           writer;   ///< The pass being written, then the one kept
  MdWriterStats       stats;
  MdFinishResult      finish;
  char                note[160]; ///< The writer's note on the file
} MdDeliverable;

// Stems: one writer per track and bus, fed in the mix pass.
typedef struct {
  uint32_t            n;
  MixdownSampleFormat format;
  char                extension[8];
  char**              paths;
  const char**        names;   ///< The engine's strip names
  MdWriter**          writers;
  float**             buffers; ///< 2n buffers: left, right, left, right, …
} MdStems;

// Stage times on the calling thread, for --stats.
enum { MD_STAGE_WRITING, MD_STAGE_PREMASTER, MD_STAGE_FINISHING, MD_STAGE_STEMS, MD_N_STAGES };

typedef struct {
  const MixdownSession*       session;
  const MixdownRenderOptions* opt;
  MixdownRenderReport*        report;
  MdDeliverable               items[MIXDOWN_MAX_OUTPUTS];
  uint32_t                    n;
  bool                        finishing;  ///< Some output is normalised or limited: through a premaster
  double                      rate;       ///< Render rate
  uint64_t                    from_frame; ///< Written range, at the render rate
  uint64_t                    to_frame;
  MdPathGuard*                guard;
  MdStems                     stems;
  double                      stage_s[MD_N_STAGES];
  double                      work_total; ///< Progress units: one mix pass is 1
  double                      work_done;
} MdRender;

// Files that could not be put in place once whole: the first one's
// reason, and how many.  The others still go in (each is whole), and the
// report says exactly what was written.
typedef struct {
  uint32_t      failed;
  MixdownStatus status;
  char          first[400];
} MdPlacing;

// render.c
MixdownStatus md_render_fail(MixdownRenderReport* report, MixdownStatus st, const char* message);

// render_outputs.c
MixdownStatus md_render_plan_outputs(MdRender* r);
MixdownStatus md_render_plan_stems(MdRender* r, MixdownEngine* engine);
MixdownStatus md_render_guard_paths(MdRender* r);
MixdownStatus md_render_open_deliverable(MdRender* r, MdDeliverable* d);
MixdownStatus md_render_open_stem_writers(MdRender* r);
void md_render_note_placing(MdPlacing* p, MixdownStatus st, const char* message);
void md_render_close_stems(MdRender* r, bool commit, MdPlacing* placing);
void md_render_report_placing(MdRender* r, const MdPlacing* placing, uint32_t n_stems);

// render_report.c
void md_render_collect_engine_report(MixdownEngine* engine, MixdownRenderReport* report);
double md_render_cpu_seconds(void);
void md_render_fill_report(MdRender* r, double started, double cpu_started);

#endif
