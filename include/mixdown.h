// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

/**
   @file mixdown.h
   The public API of libmixdown: open a session, render it to a file or pull
   rendered blocks, analyse a file, and list the processors and their
   parameters.

   There is no global state besides two process-wide switches
   (mixdown_set_kernels(), mixdown_set_plugin_isolation()): every other call
   works on the objects passed to it, and the library reads no environment
   variable.  Threading classes: *control* functions (the default: a
   function without a note is control) may allocate, block and do I/O;
   *any* functions may be called from any thread; those marked
   #MIXDOWN_REALTIME (lookups in static tables and fields) never allocate,
   lock or do I/O, so they may run on an audio thread too.  No function
   here is meant for a caller's audio callback: mixdown_play() runs its own
   JACK audio thread inside the library (which takes no locks and allocates
   nothing while playing) and blocks the calling thread until playback
   ends; mixdown_engine_pull() reads sources from disk, so it is control.
   Objects may be used from any thread, one thread at a time.

   One file, though long: a caller includes one header for the whole ABI,
   and its sections (diagnostics, sessions, editing, render, engine, analysis,
   processors, plugins, playback, serving, features) follow the order of use.
*/

#ifndef MIXDOWN_H
#define MIXDOWN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  define MIXDOWN_API
#else
#  define MIXDOWN_API __attribute__((visibility("default")))
#endif

/// Marks a function that may run on the audio thread (a JACK callback, a
/// real-time loop): it does not allocate, lock, wait or do I/O.  With clang
/// it is an `annotate` attribute that tools can list (no effect on code);
/// elsewhere it is empty and documents.  As MD_REALTIME inside the library.
#if defined(__clang__) && defined(__has_attribute)
#  if __has_attribute(annotate)
#    define MIXDOWN_REALTIME __attribute__((annotate("mixdown_realtime")))
#  endif
#endif
#ifndef MIXDOWN_REALTIME
#  define MIXDOWN_REALTIME
#endif

#define MIXDOWN_VERSION_MAJOR 0
#define MIXDOWN_VERSION_MINOR 1
#define MIXDOWN_VERSION_MICRO 0

/// Result of every fallible call.  The set is small and stable; detail goes
/// to diagnostics and to the message buffers of the calls that take one.
typedef enum {
  MIXDOWN_SUCCESS = 0,      ///< It worked
  MIXDOWN_ERR_BAD_ARG,      ///< A caller passed an invalid argument
  MIXDOWN_ERR_NO_MEM,       ///< Out of memory
  MIXDOWN_ERR_SESSION,      ///< The session is invalid (diagnostics say why)
  MIXDOWN_ERR_IO,           ///< Reading or writing a file failed
  MIXDOWN_ERR_DECODE,       ///< A source could not be decoded
  MIXDOWN_ERR_INTERRUPTED,  ///< The caller asked the render to stop
  MIXDOWN_ERR_NUMERIC,      ///< Audio went non-finite and could not be recovered
} MixdownStatus;

/// A human-readable description of `status` (static storage).  Thread: any.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_strerror(MixdownStatus status);

/// The library version as "MAJOR.MINOR.MICRO" (static storage).  Thread: any.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_version_string(void);

/// The optional parts of the library, chosen when it is built (meson
/// features; a render library may have none of them).  A call into a part
/// this build lacks fails and its message says so.
typedef enum {
  MIXDOWN_FEATURE_JACK = 0, ///< Live playback: mixdown_play()
  MIXDOWN_FEATURE_OSC,      ///< OSC control while playing (MixdownPlayOptions.osc_port)
  MIXDOWN_FEATURE_LV2,      ///< LV2 plugin inserts, mixdown_plugins_list(), mixdown_plugin_describe()
  MIXDOWN_FEATURE_REPORT,   ///< PNG plots: mixdown_plot_session(), mixdown_plot_file()
  MIXDOWN_FEATURE_SERVE,    ///< The mixing console in the browser: mixdown_serve()
} MixdownFeature;

/// Non-zero when this build of the library has `feature`.  Thread: any.
MIXDOWN_API MIXDOWN_REALTIME int mixdown_has_feature(MixdownFeature feature);

/// The name of `feature` ("jack", "osc", "lv2", "report", "serve"; the meson option
/// that builds it), or NULL.  Thread: any.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_feature_name(MixdownFeature feature);

/* ------------------------------------------------------------------------ */
/* Process-wide choices                                                      */
/* The library reads no environment variable.  These two switches hold for  */
/* the whole process (the `mixdown` command sets them from MIXDOWN_KERNELS  */
/* and MIXDOWN_LV2_ISOLATION); everything else is per call or per object.  */

/// Which implementation of the inner loops (filters, levels, format
/// conversion) the processors use.
typedef enum {
  MIXDOWN_KERNELS_FASTEST = 0, ///< The fastest this CPU runs (AVX2 and FMA where present): the default
  MIXDOWN_KERNELS_REFERENCE,   ///< Plain C, as on any machine (outputs may differ in their last bits)
} MixdownKernels;

/**
   Choose the kernels for the whole process.  The choice is made once, at
   the first render, analysis or call of this function, and holds from then
   on (processors keep what they were built with).  Thread: control.
   @return #MIXDOWN_SUCCESS when `which` is the choice in force, or
   #MIXDOWN_ERR_BAD_ARG when an earlier choice differs (too late) or
   `which` is not a MixdownKernels.
*/
MIXDOWN_API MixdownStatus mixdown_set_kernels(MixdownKernels which);

/**
   Whether LV2 plugins run isolated, in a child process of their own (1,
   the default: a crashing plugin fails the render with its name instead
   of killing the caller), or in the caller's process (0: no round trip
   per block, and a debugger reaches the plugin; docs/plugins.md).  Read
   when a session is opened: sessions opened before the call keep their
   setting.  Thread: control.
*/
MIXDOWN_API void mixdown_set_plugin_isolation(int isolated);

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                               */

/// How serious a diagnostic is.
typedef enum {
  MIXDOWN_SEVERITY_ERROR = 0, ///< The session is invalid
  MIXDOWN_SEVERITY_WARNING,   ///< Valid, but probably not what was meant
} MixdownSeverity;

/// One problem found in a session, with where it is.
typedef struct {
  const char*     file;     ///< Session file name as given (or the string's name)
  unsigned        line;     ///< 1-based line, 0 when unknown
  unsigned        column;   ///< 1-based column, 0 when unknown
  const char*     message;  ///< What is wrong and what would be valid
  MixdownSeverity severity; ///< Error or warning
} MixdownDiagnostic;

/// Receives each diagnostic; the pointers are valid only during the call.
typedef void (*MixdownDiagnosticFunc)(void* user_data, const MixdownDiagnostic* diagnostic);

/* ------------------------------------------------------------------------ */
/* Levels                                                                    */

/// Levels of one signal (a file, the mix, a track before or after its fader).
typedef struct {
  double   peak_dbfs;           ///< Highest sample magnitude of any channel
  double   rms_dbfs;            ///< RMS over all channels
  double   integrated_lufs;     ///< Integrated loudness (-HUGE_VAL if silent or too short)
  double   loudness_range_lu;   ///< Loudness range (EBU Tech 3342)
  double   momentary_max_lufs;  ///< Highest momentary (400 ms) loudness
  double   short_term_max_lufs; ///< Highest short-term (3 s) loudness
  double   true_peak_dbtp;      ///< Highest true peak (ITU-R BS.1770-4)
  double   dc_offset;           ///< Mean of the channel furthest from 0 (linear)
  double   correlation;         ///< Left/right correlation, -1 … 1 (1 for mono)
  uint64_t clipped;             ///< Samples at or beyond full scale
} MixdownLevels;

/// Levels of one track, bus or the master, before and after its fader.
typedef struct {
  const char*   name;                  ///< Track or bus name, or "master" (owned by the engine)
  int           is_bus;                ///< 0 track, 1 bus, 2 master
  MixdownLevels pre_fader;             ///< After the inserts and pan, before the fader
  MixdownLevels post_fader;            ///< After the fader (what leaves the strip)
  double        max_gain_reduction_db; ///< Deepest reduction of its dynamics inserts (0: none)
} MixdownNodeLevels;

/* ------------------------------------------------------------------------ */
/* Sessions                                                                  */

/// A parsed and validated session (opaque).
typedef struct MixdownSessionImpl MixdownSession;

/**
   Parse and validate the session file at `path` (YAML, or JSON).

   Every problem found is passed to `on_diagnostic` (which may be NULL);
   source files are opened to check that they exist and can be decoded.
   Thread: control.

   @param path Session file; relative paths inside it are taken from its folder.
   @param on_diagnostic Called once per problem, or NULL.
   @param user_data Passed to `on_diagnostic`.
   @param[out] session Set to the new session, or NULL on failure.  The caller
   owns it and must free it with mixdown_session_free().
   @return #MIXDOWN_SUCCESS, #MIXDOWN_ERR_SESSION, #MIXDOWN_ERR_IO (the file
   could not be read), #MIXDOWN_ERR_NO_MEM or #MIXDOWN_ERR_BAD_ARG.
*/
MIXDOWN_API MixdownStatus
mixdown_session_open_file(const char* path, MixdownDiagnosticFunc on_diagnostic,
                          void* user_data, MixdownSession** session);

/**
   Parse and validate a session held in memory.

   @param text The session text (YAML or JSON), `length` bytes, not necessarily
   NUL-terminated.
   @param name Name used in diagnostics (for example "<string>").
   @param base_dir Folder that relative source paths are taken from, or NULL
   for the current folder.
   Other parameters and the return value are as for mixdown_session_open_file().
*/
MIXDOWN_API MixdownStatus
mixdown_session_open_string(const char* text, size_t length, const char* name,
                            const char* base_dir, MixdownDiagnosticFunc on_diagnostic,
                            void* user_data, MixdownSession** session);

/// Free `session` (NULL is ignored).  Thread: control.
MIXDOWN_API void mixdown_session_free(MixdownSession* session);

/// The session's render sample rate in Hz.  Thread: any.
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_session_sample_rate(const MixdownSession* session);

/// The output file named by the session (absolute or relative to the
/// current folder), or NULL if it names none.  Owned by `session`.
MIXDOWN_API const char* mixdown_session_output_path(const MixdownSession* session);

/// The switches mixdown_session_set_switch() sets.
typedef enum { MIXDOWN_SWITCH_SOLO, MIXDOWN_SWITCH_MUTE } MixdownSwitch;

/**
   Solos or mutes the track or bus `name` for the whole session (a mute
   envelope is replaced), as `render --solo/--mute` do.  Thread: control.

   @return #MIXDOWN_ERR_BAD_ARG with the nearest name in `message` when no
   track or bus has that name.
*/
/// Seconds from "12.5" or, with the session's tempo, "BAR:BEAT" ("17:1",
/// "17:2.5"), as session times are written.  Thread: any.
MIXDOWN_API MixdownStatus
mixdown_session_parse_time(const MixdownSession* session, const char* text, double* seconds, char* message,
                           size_t message_size);

MIXDOWN_API MixdownStatus
mixdown_session_set_switch(MixdownSession* session, const char* name, MixdownSwitch which, int on,
                           char* message, size_t message_size);

/* ------------------------------------------------------------------------ */
/* Editing sessions                                                          */
/*                                                                           */
/* An editor holds a session's text as the user wrote it and changes only   */
/* the bytes of what an edit changes: a number replaced in place keeps its  */
/* line, comment, quoting and style; a new key goes beside its siblings in  */
/* their style; comments, blank lines and key order elsewhere stay          */
/* byte-identical.  Values are named by addresses, the same ones OSC uses   */
/* (docs/editing.md, docs/live.md): `/track/NAME/gain_db`,                  */
/* `/bus/NAME/pan`, `/master/insert/limiter/ceiling_db`,                    */
/* `/track/NAME/insert/N/PARAM` (N from 1, or the type),                     */
/* `/track/NAME/insert/N/bands/K/FIELD`, `/track/NAME/send/BUS/level_db`,   */
/* `/tempo`, `/output/file`, `/master/loudness/target_lufs` …; lists (to    */
/* append to or remove from) are `/track/NAME/inserts`, `…/sends`,          */
/* `…/clips`, `…/insert/N/bands` and `…/PARAM/points` (an envelope's).      */
/*                                                                           */
/* Every edit is validated by the session validator before it is kept; a   */
/* refused edit leaves the editor as it was and is reported to the         */
/* diagnostic callback given at open as `ADDRESS: MESSAGE` at the line and  */
/* column of the value in the text as it was (the place of its mapping for  */
/* a key not written yet), naming the valid range or the nearest name.      */
/*                                                                           */
/* Thread: control, one thread at a time per editor (editors are           */
/* independent; the library keeps no state between them).                  */
/*                                                                           */
/*     MixdownEditor* ed = NULL;                                             */
/*     if (mixdown_editor_open("song.yaml", print_diagnostic, NULL, &ed))    */
/*       return 2;                        // the diagnostics said why       */
/*     if (mixdown_editor_set(ed, "/track/vox/gain_db", "-4") ||             */
/*         mixdown_editor_set(ed, "/track/vox/pan",                          */
/*                            "{points: [[0, -0.5], [\"17:1\", 0]]}") ||     */
/*         mixdown_editor_append(ed, "/track/vox/inserts",                   */
/*                               "{type: compressor, threshold_db: -20}")) { */
/*       mixdown_editor_free(ed);         // nothing was written             */
/*       return 2;                                                           */
/*     }                                                                     */
/*     char* diff = mixdown_editor_diff(ed); // what the file would become   */
/*     fputs(diff, stdout);                                                  */
/*     free(diff);                                                           */
/*     MixdownStatus st = mixdown_editor_save(ed, NULL); // over song.yaml   */
/*     mixdown_editor_free(ed);                                              */

/// A session open for editing (opaque): its text as edited, the model of
/// that text, and what the file held when it was read.
typedef struct MixdownEditorImpl MixdownEditor;

/**
   Read the session file at `path` for editing, and validate it.  The
   file's bytes, size, modification time and inode are remembered, so that
   mixdown_editor_save() refuses to write over a file changed since.

   @param on_diagnostic Receives the problems of the session (as
   mixdown_session_open_file()) and, later, every refused edit; may be NULL.
   `user_data` is passed to it; both are kept until mixdown_editor_free().
   @param[out] editor Set to the new editor, or NULL on failure; free it
   with mixdown_editor_free().
   @return #MIXDOWN_SUCCESS, #MIXDOWN_ERR_SESSION (invalid, or not
   editable: a UTF-16 file), #MIXDOWN_ERR_IO, #MIXDOWN_ERR_NO_MEM or
   #MIXDOWN_ERR_BAD_ARG.
*/
MIXDOWN_API MixdownStatus
mixdown_editor_open(const char* path, MixdownDiagnosticFunc on_diagnostic, void* user_data,
                    MixdownEditor** editor);

/// An editor of a session held in memory (`length` bytes of `text`,
/// copied): `name` for messages and diffs, `base_dir` as for
/// mixdown_session_open_string().  mixdown_editor_save() then needs a path.
MIXDOWN_API MixdownStatus
mixdown_editor_open_string(const char* text, size_t length, const char* name, const char* base_dir,
                           MixdownDiagnosticFunc on_diagnostic, void* user_data, MixdownEditor** editor);

/**
   The value at `address`: as one line of YAML flow (`-4`, `true`,
   `smooth`, `{points: [[0, -6], ["17:1", 0]], curve: smooth}`, a list of
   items `[{type: eq, …}]`), as written in the text when it is written there,
   else the default the session takes for it.  `*unit` is the parameter's
   unit ("dB", "Hz", "" for none; static storage).
   @param[out] yaml_value malloc'd; the caller frees it.
   @return #MIXDOWN_SUCCESS, or #MIXDOWN_ERR_BAD_ARG (an address that names
   nothing: reported to the diagnostic callback with the nearest name).
*/
MIXDOWN_API MixdownStatus
mixdown_editor_get(MixdownEditor* editor, const char* address, char** yaml_value, const char** unit);

/// As mixdown_editor_get(), the value as JSON (`-4`, `true`, `"smooth"`,
/// `{"points": [[0, -6], ["17:1", 0]], "curve": "smooth"}`).
MIXDOWN_API MixdownStatus
mixdown_editor_get_json(MixdownEditor* editor, const char* address, char** json_value, const char** unit);

/**
   Set the value at `address` to `yaml_value`, a YAML value as a user
   types it: a number, a word, a quoted string, an envelope
   `{points: [[TIME, VALUE], …], curve: CURVE}`, a list.  A key not written
   yet is added (and the mappings on its way, such as `master:`).
   @return #MIXDOWN_SUCCESS; #MIXDOWN_ERR_SESSION when the edit is refused
   (the value is out of range, of the wrong kind, an envelope out of order,
   a routing cycle …: reported, the editor unchanged); #MIXDOWN_ERR_BAD_ARG
   for an address that names nothing or text that is not YAML;
   #MIXDOWN_ERR_NO_MEM.
*/
MIXDOWN_API MixdownStatus
mixdown_editor_set(MixdownEditor* editor, const char* address, const char* yaml_value);

/// mixdown_editor_set() with a number (written in the fewest digits that
/// read back as `value`).
MIXDOWN_API MixdownStatus
mixdown_editor_set_number(MixdownEditor* editor, const char* address, double value);

/**
   Append `yaml_item` to the list at `list_address`: an insert
   (`{type: eq, bands: [{type: bell, freq: 3000, gain_db: 2}]}`) to
   `…/inserts`, a send (`{to: verb, level_db: -12}`) to `…/sends`, a clip to
   `…/clips`, a band to `…/insert/N/bands`, a point `[TIME, VALUE]` to
   `…/PARAM/points` (placed in time order).  A list not written yet is
   added.  Returns as mixdown_editor_set().
*/
MIXDOWN_API MixdownStatus
mixdown_editor_append(MixdownEditor* editor, const char* list_address, const char* yaml_item);

/**
   Remove one item of the list at `list_address`: `which` is its number
   (from 1, as addresses count) or a name — an insert's type (the first of
   that type), a send's bus, a clip's file.  Returns as mixdown_editor_set().
*/
MIXDOWN_API MixdownStatus
mixdown_editor_remove(MixdownEditor* editor, const char* list_address, const char* which);

/// Calls `visit` with every address the session has a value at (every
/// parameter of every strip, send, insert, list item and session key,
/// written or default), in session order; stops early when `visit`
/// returns non-zero.  The string is valid during the call only.
MIXDOWN_API MixdownStatus
mixdown_editor_addresses(MixdownEditor* editor, int (*visit)(void* user_data, const char* address),
                         void* user_data);

/// A unified diff of the text as read against the text as edited
/// (`--- a/NAME`, `+++ b/NAME`, hunks with 3 lines of context), "" when
/// nothing changed; malloc'd (free() it), NULL when out of memory.
MIXDOWN_API char* mixdown_editor_diff(const MixdownEditor* editor);

/// The text as edited (`*length` bytes, NUL-terminated), owned by the
/// editor and valid until its next edit.
MIXDOWN_API const char* mixdown_editor_text(const MixdownEditor* editor, size_t* length);

/// The session of the text as edited (validated), owned by the editor and
/// valid until its next edit: render it, analyse it, graph it.
MIXDOWN_API const MixdownSession* mixdown_editor_session(const MixdownEditor* editor);

/**
   Write the text as edited to `path` (NULL: over the file opened).  The
   write is atomic (a temporary file in the same folder, synced, renamed
   into place), and a replaced file keeps its permissions.  Over the file
   opened, it is refused (#MIXDOWN_ERR_SESSION, reported: "FILE changed on
   disk since it was read: nothing written") when the file no longer holds
   the bytes read; after a save, the file saved is the one compared.  A
   path elsewhere may not be a file the session reads (a source, an
   impulse response, the session itself: #MIXDOWN_ERR_BAD_ARG, reported);
   in another folder, the session's relative paths (`file:` of clips and
   outputs, impulse files) are rewritten so that the copy reads the same
   files.  #MIXDOWN_ERR_IO when writing failed (the old file as it was).
*/
MIXDOWN_API MixdownStatus mixdown_editor_save(MixdownEditor* editor, const char* path);

/// Free `editor` (NULL is ignored): its text, its session.
MIXDOWN_API void mixdown_editor_free(MixdownEditor* editor);

/* ------------------------------------------------------------------------ */
/* Rendering to a file                                                       */

/// Sample formats of the written file.
typedef enum {
  MIXDOWN_FORMAT_DEFAULT = 0, ///< As the session's `output` says (24-bit if silent)
  MIXDOWN_FORMAT_PCM_16,
  MIXDOWN_FORMAT_PCM_24,
  MIXDOWN_FORMAT_PCM_32,
  MIXDOWN_FORMAT_FLOAT,
} MixdownSampleFormat;

/// The most files one render writes (`outputs:` in the session).
#define MIXDOWN_MAX_OUTPUTS 16

/// Called now and then during a render with the fraction done (0…1).
typedef void (*MixdownProgressFunc)(void* user_data, double fraction);

/// How to render.  Zero-initialise, set `size`, then set what you need.
typedef struct {
  uint32_t            size;        ///< Set to sizeof(MixdownRenderOptions)
  const char*         output_path; ///< Overrides the session's `output.file` (or NULL)
  MixdownSampleFormat format;      ///< Overrides `output.bits` (or DEFAULT)
  uint32_t            output_rate; ///< Hz: overrides `output.rate` (or 0)
  uint32_t            threads;     ///< Worker threads (0 = all cores)
  MixdownProgressFunc progress;    ///< Progress callback (or NULL)
  void*               user_data;   ///< Passed to `progress`
  /// Polled once per block; the render stops with #MIXDOWN_ERR_INTERRUPTED as
  /// soon as it reads non-zero.  May be NULL.  Typically set by a signal handler.
  volatile int*       cancel;
  /// Non-zero: normalise to `target_lufs` with true peaks at or below
  /// `true_peak_db`, overriding the session's `master.loudness`.
  int                 normalize;
  double              target_lufs;  ///< Integrated loudness target (LUFS)
  double              true_peak_db; ///< True-peak ceiling (dBTP)
  /// A folder (created if missing) to write every track and bus into,
  /// post-fader, aligned with the mix, in the same format — or NULL.
  /// Stems come from the mix pass: before loudness normalisation.
  const char*         stems_dir;
  /// Called at the end of a successful render with the levels of every
  /// track, bus and the master (mix pass, before normalisation), or NULL.
  void (*node_levels)(void* user_data, const MixdownNodeLevels* levels);
  void* node_levels_user_data; ///< Passed to `node_levels`
  /// A folder for the render cache (mixdown_engine_set_cache()), or NULL.
  const char* cache_dir;
  /// Non-zero: leave the report's loudness, true peak and correlation of
  /// the mix unmeasured (a few per cent of a render); for renders
  /// nobody reads the summary of.  Ignored when normalising.
  int skip_summary;
  /// The cache folder is kept under this many bytes (0:
  /// #MIXDOWN_CACHE_DEFAULT_LIMIT, UINT64_MAX: no limit; see
  /// mixdown_engine_set_cache_limit()).
  uint64_t cache_limit_bytes;
  /// Non-zero: keep the true peaks of every output at or below
  /// `true_peak_db` with the finishing limiter, also without `normalize`
  /// (a deliverable constraint of its own).
  int limit_true_peak;
  /// Write only [from_s, to_s) of the mix (to_s ≤ 0: to its end).  The
  /// mix is rendered from the start, so effects carry in as they would.
  double from_s;
  double to_s;
  /// The stems' sample format (DEFAULT: 32-bit float, which keeps every
  /// stem unclipped whatever its level).
  MixdownSampleFormat stems_format;
  /// Non-zero: `quality` (0 smallest … 1 best) overrides the session's for
  /// lossy outputs (MP3, Ogg Vorbis, Opus).
  int    quality_given;
  double quality;
  /// Called now and then with what is being done ("mixing",
  /// "normalising mix.wav, pass 2", …) and the fraction of the whole
  /// render done (0…1, ending at 1); or NULL.
  void (*progress_stage)(void* user_data, const char* stage, double fraction);
  /// The folder for temporary files: the premaster that finishing passes
  /// read (about 23 MB per minute at 48 kHz) and the spool of an output
  /// that is a device or FIFO.  NULL or "": /tmp.  The library reads no
  /// environment variable; the `mixdown` command passes $TMPDIR here.
  const char* temp_dir;
} MixdownRenderOptions;

/// One file a render wrote, with the figures of that file.
typedef struct {
  char     path[512];
  uint32_t sample_rate;      ///< Rate of the file (Hz)
  uint64_t frames;           ///< Frames written
  double   peak_dbfs;        ///< Highest sample magnitude, before dither
  double   true_peak_dbtp;
  double   loudness_lufs;    ///< Integrated
  double   correlation;
  uint64_t clipped;          ///< Samples clipped by an integer format
  int      normalized;       ///< Finished to `target_lufs`
  int      limited;          ///< Finished under `ceiling_db` by the true-peak limiter
  double   target_lufs;
  double   ceiling_db;
  double   gain_db;          ///< Finishing gain before the limiter
  double   limiter_db;       ///< Deepest reduction of the finishing limiter (≤ 0)
  double   shortfall_lu;     ///< How far below the target the file stayed (0: reached)
  uint32_t passes;           ///< Finishing passes over the premaster (0: written in the mix pass)
  char     note[160];        ///< What the user should know ("" when nothing), e.g. a rate the codec chose
} MixdownOutputReport;

/// A stem that went over full scale.
typedef struct {
  char     name[64];
  double   peak_dbfs;
  uint64_t clipped; ///< Samples clipped (integer stems; 0 for float stems, which keep them)
} MixdownStemReport;

#define MIXDOWN_MAX_STEM_REPORTS 32

/// The extreme value one processor meter reached during a render, for
/// example the most gain reduction of a compressor.
typedef struct {
  char   node[64];      ///< Track or bus name ("master" for the master)
  char   processor[32]; ///< Processor type, e.g. "compressor"
  char   meter[32];     ///< Meter name, e.g. "gain_reduction_db"
  double extreme;       ///< The value furthest from 0 that was reached
  uint32_t insert;      ///< Position of the insert on its track or bus (0-based)
} MixdownMeterReport;

#define MIXDOWN_MAX_METER_REPORTS 64

/// Where render time went: one processor type (all its instances), or
/// "sources" (decoding and resampling) or "mixing" (clips, pan, faders,
/// sends, latency alignment: the rest of the engine).
typedef struct {
  char     what[32];  ///< Processor type, "sources" or "mixing"
  uint32_t instances; ///< Inserts of this type (0 for sources and mixing)
  double   seconds;   ///< Time spent (summed over the worker threads)
  uint64_t blocks;    ///< Blocks the inserts of this type were given
  uint64_t skipped;   ///< …of which skipped: silence in, state at rest
} MixdownTimeReport;

#define MIXDOWN_MAX_TIME_REPORTS 32

/// What a render produced.
typedef struct {
  uint32_t size;              ///< Set to sizeof(MixdownRenderReport) before the call
  uint64_t frames;            ///< Frames written
  uint32_t sample_rate;       ///< Rate of the written file (Hz)
  double   length_s;          ///< Length of the mix in seconds
  double   peak_dbfs;         ///< Highest sample magnitude, before dither
  double   loudness_lufs;     ///< Integrated loudness (-HUGE_VAL for silence)
  double   true_peak_dbtp;    ///< True peak (ITU-R BS.1770-4)
  double   correlation;       ///< Left/right correlation of the mix, -1 … 1
  double   seconds_taken;     ///< Wall time of the render
  int      normalized;        ///< Non-zero when loudness normalisation ran
  double   gain_db;           ///< Gain normalisation applied (before the limiter)
  double   shortfall_lu;      ///< How far below the target the mix stayed (0: reached)
  uint64_t non_finite_fixed;  ///< Non-finite samples replaced by silence
  char     non_finite_where[200]; ///< Where the first ones appeared ("" if none)
  uint32_t n_meters;          ///< Entries used in `meters`
  MixdownMeterReport meters[MIXDOWN_MAX_METER_REPORTS]; ///< Dynamics read-outs, in session order
  uint32_t cache_hits;        ///< Tracks read from the render cache
  uint32_t cache_tracks;      ///< Tracks the render cache covers (0 without one)
  uint32_t cache_sums_read;   ///< Partial sums of bus inputs read from the cache…
  uint32_t cache_tracks_skipped; ///< …and the reused tracks they made reading unnecessary
  uint32_t cache_files_removed;  ///< Old cache files removed to keep the folder under its limit
  uint32_t n_times;           ///< Entries used in `times`
  MixdownTimeReport times[MIXDOWN_MAX_TIME_REPORTS]; ///< Time per processor type and per stage
  char     message[512];      ///< On failure, what went wrong
  double   limiter_db;        ///< The first output's finishing limiter: deepest reduction (≤ 0)
  double   mix_loudness_lufs; ///< The mix before finishing (what the master strip measures)
  uint32_t mix_passes;        ///< How many times the mix was rendered (1)
  uint32_t n_outputs;         ///< Files written (the top-level figures are the first's); on failure, those put in place
  MixdownOutputReport outputs[MIXDOWN_MAX_OUTPUTS];
  uint32_t n_stems;           ///< Stems written
  uint32_t n_stems_over;      ///< …of which peaked above 0 dBFS (the first ones in `stems_over`)
  MixdownStemReport stems_over[MIXDOWN_MAX_STEM_REPORTS];
  double   cpu_seconds;       ///< CPU time of the process during the render (all threads)
  uint32_t cache_damaged;     ///< Cache files found damaged (checksum, size or header): ignored, rendered again and replaced
} MixdownRenderReport;

/**
   Render `session` to its output file.

   The file is written without a name (O_TMPFILE in the target's folder, or
   a temporary name there where the filesystem has none) and put in place
   only when complete, keeping the previous file's mode and owner: on any
   failure, interruption or death of the process the previous file is left
   untouched and nothing partial remains.  A device or FIFO is written
   through, never replaced.  An output path equal to a file the session
   reads is refused.  When a finished file cannot be put in place, the
   others still are: `report->n_outputs`, `outputs[].path` and `n_stems`
   say what was written, and the message names what was not.
   Thread: control.

   @param options Render options, or NULL for the session's own settings.
   @param[out] report Filled in (may be NULL); `report->message` says what
   failed.
   @return #MIXDOWN_SUCCESS, #MIXDOWN_ERR_BAD_ARG, #MIXDOWN_ERR_IO,
   #MIXDOWN_ERR_DECODE, #MIXDOWN_ERR_INTERRUPTED or #MIXDOWN_ERR_NO_MEM.
*/
MIXDOWN_API MixdownStatus
mixdown_render(const MixdownSession* session, const MixdownRenderOptions* options,
               MixdownRenderReport* report);

/* Live playback (mixdown play) ------------------------------------------ */

/// A line for the user during playback (a late disk, an OSC address that
/// matches nothing, …).
typedef void (*MixdownPlayNoteFunc)(void* user_data, const char* text);

/// Where playback is, for a status display.
typedef struct {
  double   position_s; ///< Transport position
  double   length_s;   ///< Length of the mix
  int      playing;    ///< Non-zero while the transport rolls
  double   dsp_load;   ///< Audio thread time over the period, mean since the last status (0…1)
  uint64_t xruns;      ///< So far
} MixdownPlayStatus;

/// How to play.  Zero-initialise, set `size`, then set what you need.
typedef struct {
  uint32_t            size;          ///< Set to sizeof(MixdownPlayOptions)
  const char*         client_name;   ///< JACK client name (NULL: "mixdown")
  double              from_s;        ///< Start here (seconds)
  int                 loop;          ///< Non-zero: loop [loop_from_s, loop_to_s)
  double              loop_from_s;
  double              loop_to_s;
  const char* const*  connect;       ///< JACK ports for left and right (NULL: the system playback ports)
  size_t              n_connect;
  int                 osc_port;      ///< Listen for OSC on this UDP port (0: no OSC; -1: any free port)
  const char*         osc_host;      ///< …on this address (NULL: 127.0.0.1)
  const char*         record_path;   ///< Write the session with the live moves as envelopes here (or NULL)
  /// Play on after the end (waiting for OSC commands) until `stop`; when 0,
  /// playback ends at the session's end unless looping.
  int                 stay;
  /// Polled every few milliseconds; playback ends as soon as it reads non-zero.
  volatile int*       stop;
  MixdownPlayNoteFunc note;          ///< Notes during playback (or NULL)
  void*               user_data;     ///< Passed to `note` and `ready`
  /// Called once playing has started, with the OSC port bound (0: none).
  void (*ready)(void* user_data, int osc_port);
  /// Called about ten times a second while playing (or NULL).
  void (*status)(void* user_data, const MixdownPlayStatus* status);
} MixdownPlayOptions;

/// What a playback did.
typedef struct {
  uint32_t size;           ///< Set to sizeof(MixdownPlayReport) before the call
  uint32_t sample_rate;    ///< The JACK server's (Hz)
  uint32_t period_frames;  ///< …and its period
  double   played_s;       ///< Where the transport ended
  uint64_t xruns;          ///< JACK xruns while playing
  double   first_xrun_s;   ///< Where the transport was at the first (negative: none)
  uint64_t late_blocks;    ///< Track blocks the disk did not deliver in time (played as silence)
  double   dsp_load_mean;  ///< Audio thread time over the period, mean (0…1)
  double   dsp_load_max;   ///< …and worst period
  /// Longest time between the starts of two periods (one period when all
  /// is well): an xrun with a light DSP load and a long gap is the system
  /// not scheduling the audio thread in time, not mixdown's work.
  double   longest_gap_ms;
  double   jack_cpu_load;  ///< JACK's own DSP load figure at the end (percent)
  uint64_t osc_messages;   ///< OSC messages received
  uint64_t moves_recorded; ///< Live moves written as envelopes (record_path)
  uint64_t moves_unrecordable; ///< Solo and polarity moves (a session cannot automate them)
  char     message[512];   ///< On failure, what went wrong
} MixdownPlayReport;

/**
   Plays `session` in real time through JACK until its end (or `stop`):
   the outputs `NAME:left` and `NAME:right` connect to the system playback
   ports, or to `options->connect`.  Offline and live sound the same: with
   no live moves, what is played is what mixdown_render() writes (as
   float).  Thread: control (it blocks).

   @return #MIXDOWN_SUCCESS, #MIXDOWN_ERR_IO (no JACK server, OSC port
   taken, recording not written), #MIXDOWN_ERR_BAD_ARG (bad options, a loop
   outside the session), #MIXDOWN_ERR_NO_MEM.
*/
MIXDOWN_API MixdownStatus mixdown_play(const MixdownSession* session, const MixdownPlayOptions* options,
                                       MixdownPlayReport* report);

/* Serving the console (mixdown serve) ----------------------------------- */

/// How to serve.  Zero-initialise, set `size`, then set what you need.
typedef struct {
  uint32_t              size;          ///< Set to sizeof(MixdownServeOptions)
  const char*           host;          ///< Address to listen on (NULL: 127.0.0.1, this machine only)
  int                   port;          ///< TCP port (0: any free port; the URL says which)
  int                   jack;          ///< Non-zero: play through JACK as mixdown_play() does (no audio to the pages)
  const char*           client_name;   ///< With `jack`: the JACK client name (NULL: "mixdown")
  int                   osc_port;      ///< Also take OSC control on this UDP port (0: none; -1: any free port)
  /// Polled at least every 10 ms; serving ends as soon as it reads non-zero.
  volatile int*         stop;
  /// The session's problems (FILE:LINE:COLUMN), reported before anything listens (or NULL).
  MixdownDiagnosticFunc on_diagnostic;
  /// Lines for the user while serving (or NULL); called on the server
  /// thread and, with OSC, on the OSC thread.
  MixdownPlayNoteFunc   note;
  /// Called once listening, with the page's address, `http://HOST:PORT/?token=TOKEN`
  /// (the token is new on every call), and the OSC port bound (0: none).
  void (*ready)(void* user_data, const char* url, int osc_port);
  void*                 user_data;     ///< Passed to on_diagnostic, note and ready
} MixdownServeOptions;

/**
   Serves the mixing console of the session file at `session_path` to web
   browsers until `options->stop`: an HTTP and WebSocket server (on
   `host`:`port`) whose page shows a strip per track, bus and the master,
   moves them live, plays the mix in the page (or through JACK) and saves
   the session back through the editor (mixdown_editor_save(): only the
   changed values' lines differ).  Every request must carry the URL's
   token (docs/serve.md: the security model).  It writes no file but the
   session (when a page saves) and the copies a page asks for.  Thread:
   control (it blocks; the pages are served on the calling thread).

   @return #MIXDOWN_SUCCESS after `stop`; #MIXDOWN_ERR_SESSION (the session
   file is unreadable or invalid: reported to `on_diagnostic`, nothing
   listened);
   #MIXDOWN_ERR_BAD_ARG (bad options); #MIXDOWN_ERR_IO (the port is taken,
   no JACK server with `jack`, the OSC port taken), with why in `message`;
   #MIXDOWN_ERR_NO_MEM.
*/
MIXDOWN_API MixdownStatus mixdown_serve(const char* session_path, const MixdownServeOptions* options,
                                        char* message, size_t message_size);

/**
   The loudness target and true-peak ceiling of a named preset: `streaming`
   (-14 LUFS, -1 dBTP), `apple` (-16, -1), `podcast` (-16, -1), `ebu-r128`
   (-23, -1), `atsc-a85` (-24, -2).  Thread: any.
   @return #MIXDOWN_SUCCESS, or #MIXDOWN_ERR_BAD_ARG for an unknown name.
*/
MIXDOWN_API MIXDOWN_REALTIME MixdownStatus
mixdown_loudness_preset(const char* name, double* target_lufs, double* true_peak_db);

/// Name of loudness preset `index` (static storage), or NULL past the end.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_loudness_preset_name(uint32_t index);

/* ------------------------------------------------------------------------ */
/* Pulling rendered audio                                                    */

/// A running mix of one session (opaque).
typedef struct MixdownEngineImpl MixdownEngine;

/**
   Build an engine that renders `session` block by block.

   Thread: control.  The engine keeps no pointer to `session`.
   @param[out] engine Set to the new engine; free with mixdown_engine_free().
   @param message Receives a description of the failure (may be NULL).
   @param message_size Size of `message` in bytes.
*/
MIXDOWN_API MixdownStatus
mixdown_engine_new(const MixdownSession* session, MixdownEngine** engine,
                   char* message, size_t message_size);

/// Free `engine` (NULL is ignored).  Thread: control.
MIXDOWN_API void mixdown_engine_free(MixdownEngine* engine);

/// Length of the mix in frames at the session rate (latency already removed).
MIXDOWN_API uint64_t mixdown_engine_length(const MixdownEngine* engine);

/// Sum of the reported latencies on the master path, in frames; the engine
/// removes it, so pulled audio is aligned with the session's timeline.
MIXDOWN_API uint32_t mixdown_engine_latency(const MixdownEngine* engine);

/**
   Render the next `max_frames` frames of the stereo mix into `left`/`right`.

   Thread: control (sources are read from disk here).
   @param[out] frames_done Frames written; less than `max_frames` only at the
   end of the mix, 0 once it is over.
   @return #MIXDOWN_SUCCESS, or #MIXDOWN_ERR_DECODE / #MIXDOWN_ERR_IO when a
   source fails (see mixdown_engine_message()).
*/
MIXDOWN_API MixdownStatus
mixdown_engine_pull(MixdownEngine* engine, float* left, float* right, uint32_t max_frames,
                    uint32_t* frames_done);

/**
   Asks the engine for stems: the post-fader output of every track and bus,
   aligned frame for frame with the mix.  Call before the first pull.
   Thread: control.  @return #MIXDOWN_SUCCESS, #MIXDOWN_ERR_BAD_ARG (too
   late) or #MIXDOWN_ERR_NO_MEM.
*/
MIXDOWN_API MixdownStatus mixdown_engine_enable_stems(MixdownEngine* engine);

/// Number of stems (every track and bus, in session order: tracks, then buses).
MIXDOWN_API uint32_t mixdown_engine_stem_count(const MixdownEngine* engine);

/// Name of stem `index` (the track or bus name, owned by `engine`), or NULL.
MIXDOWN_API const char* mixdown_engine_stem_name(const MixdownEngine* engine, uint32_t index);

/**
   As mixdown_engine_pull(), also writing every stem: `stems` holds
   2 × mixdown_engine_stem_count() buffers (left, right, left, right, …),
   each at least `max_frames` long.  Needs mixdown_engine_enable_stems().
*/
MIXDOWN_API MixdownStatus
mixdown_engine_pull_stems(MixdownEngine* engine, float* left, float* right, float* const* stems,
                          uint32_t max_frames, uint32_t* frames_done);

/// Renders with `threads` worker threads (0: one per CPU core; never more
/// than there are tracks free of sidechains, which are what the workers
/// share out).  The output is the same to the bit whatever the count.  The
/// default is 1.  Call before the first pull.
MIXDOWN_API MixdownStatus mixdown_engine_set_threads(MixdownEngine* engine, uint32_t threads);

/// Keeps a render cache in folder `dir` (created if missing): every track
/// free of sidechains is read from there when nothing that shapes its
/// signal before pan and fader has changed since a completed render, and
/// written there otherwise (kept only when this render completes).  The
/// mix is the same to the bit either way.  Call before the first pull.
MIXDOWN_API MixdownStatus mixdown_engine_set_cache(MixdownEngine* engine, const char* dir);

/// Tracks read from the cache (directly or through partial sums: final
/// once the first block is pulled), and tracks the cache covers.
MIXDOWN_API void mixdown_engine_cache_hits(const MixdownEngine* engine, uint32_t* hits, uint32_t* tracks);

/// The cache folder's default size limit: 8 GiB.
#define MIXDOWN_CACHE_DEFAULT_LIMIT (8ULL << 30U)

/// When a render completes, the cache folder is kept under `bytes` by
/// removing the files least recently used (never one this render used);
/// UINT64_MAX: no limit.  The default is #MIXDOWN_CACHE_DEFAULT_LIMIT.
MIXDOWN_API MixdownStatus mixdown_engine_set_cache_limit(MixdownEngine* engine, uint64_t bytes);

/// Cache files removed to keep the folder under its limit (after the render).
MIXDOWN_API uint32_t mixdown_engine_cache_removed(const MixdownEngine* engine);

/// Cache files (tracks and partial sums) whose frames did not match their
/// checksum: ignored, rendered again and rewritten.  Thread: control.
MIXDOWN_API uint32_t mixdown_engine_cache_damaged(const MixdownEngine* engine);

/// Partial sums of bus inputs read from the cache, and tracks not read at
/// all because sums cover them (known once the first block is pulled).
/// Buses add their cacheable inputs in a fixed pairwise tree whose nodes
/// the cache keeps: when one track of 32 changes, its bus reads 4 sums and
/// one track instead of 31 tracks.
MIXDOWN_API void mixdown_engine_cache_sums(const MixdownEngine* engine, uint32_t* sums_read,
                                           uint32_t* tracks_skipped);

/// The number of threads the engine renders with (the caller's included).
MIXDOWN_API uint32_t mixdown_engine_threads(const MixdownEngine* engine);

/// How much mixdown_engine_enable_levels() measures per strip.
typedef enum {
  /// Post-fader sample peak, RMS, clipped samples and integrated loudness
  /// (what a render's summary shows); the rest reads -inf or 0.  About a
  /// tenth of the cost of MIXDOWN_LEVELS_FULL.
  MIXDOWN_LEVELS_SUMMARY,
  /// Everything in MixdownLevels, pre- and post-fader (true peak, loudness
  /// range, momentary and short-term maxima, DC, correlation).
  MIXDOWN_LEVELS_FULL,
  /// As MIXDOWN_LEVELS_SUMMARY, with the momentary and short-term maxima
  /// and every strip's loudness every 100 ms
  /// (mixdown_engine_node_loudness_series()), for plots.
  MIXDOWN_LEVELS_SERIES,
} MixdownLevelDetail;

/// Asks the engine to measure every track, bus and the master as it renders
/// (costs a loudness meter per strip).  Call before the first pull.
MIXDOWN_API MixdownStatus mixdown_engine_enable_levels(MixdownEngine* engine, MixdownLevelDetail detail);

/// Number of strips measured: tracks, buses, then the master.
MIXDOWN_API uint32_t mixdown_engine_node_count(const MixdownEngine* engine);

/// Levels of strip `index` so far (needs mixdown_engine_enable_levels()).
MIXDOWN_API MixdownStatus
mixdown_engine_node_levels(const MixdownEngine* engine, uint32_t index, MixdownNodeLevels* levels);

/**
   Post-fader loudness of strip `index` every 100 ms so far (needs
   #MIXDOWN_LEVELS_SERIES): point i is the momentary (400 ms) and
   short-term (3 s) loudness in LUFS (-HUGE_VAL in silence) of the window
   ending (i + 1) × 100 ms into the strip's signal (which runs ahead of the
   mix by the latency after it).  Copies up to `max` points into each of
   `momentary_lufs` and `short_term_lufs` (either may be NULL).
   @return The number of points there are (0 without a series).
*/
MIXDOWN_API size_t
mixdown_engine_node_loudness_series(const MixdownEngine* engine, uint32_t index, double* momentary_lufs,
                                    double* short_term_lufs, size_t max);

/// Describes the last failure of `engine` (owned by `engine`).
MIXDOWN_API const char* mixdown_engine_message(const MixdownEngine* engine);

/// Number of non-finite samples the engine replaced with silence so far.
MIXDOWN_API uint64_t mixdown_engine_non_finite_count(const MixdownEngine* engine);

/// Where non-finite audio first appeared ("track `x`, insert 2 (eq) at
/// 12.345 s: …"), or "" if it never did.  Owned by `engine`.
MIXDOWN_API const char* mixdown_engine_non_finite_where(const MixdownEngine* engine);

/// Number of processor meters in the engine (every meter of every insert).
MIXDOWN_API uint32_t mixdown_engine_meter_count(const MixdownEngine* engine);

/**
   Meter `index`: where it is and the extreme it reached so far.
   @return #MIXDOWN_SUCCESS, or #MIXDOWN_ERR_BAD_ARG past the end.
*/
MIXDOWN_API MixdownStatus
mixdown_engine_meter(const MixdownEngine* engine, uint32_t index, MixdownMeterReport* meter);

/// Number of entries of the time profile (processor types in session
/// order, then "sources" and "mixing").
MIXDOWN_API uint32_t mixdown_engine_time_count(const MixdownEngine* engine);

/**
   Entry `index` of the time profile so far.
   @return #MIXDOWN_SUCCESS, or #MIXDOWN_ERR_BAD_ARG past the end.
*/
MIXDOWN_API MixdownStatus
mixdown_engine_time(const MixdownEngine* engine, uint32_t index, MixdownTimeReport* time);

/* ------------------------------------------------------------------------ */
/* Routing graph (mixdown graph)                                             */

/// The routing of a session as the engine builds it: every track, bus and
/// the master with its inserts, output, sends and sidechain keys, the
/// latency at each point and the delays that align it, and the order the
/// strips run in.  A snapshot (opaque): build it with mixdown_graph_new(),
/// read it with the mixdown_graph_* functions below.
typedef struct MixdownGraphImpl MixdownGraph;

/// No node: an insert without a sidechain key, a position past the end.
#define MIXDOWN_GRAPH_NONE UINT32_MAX

/// One strip: a track, a bus or the master.
typedef struct {
  const char* name;         ///< Track or bus name, or "master" (owned by the graph)
  int         kind;         ///< 0 track, 1 bus, 2 master (as MixdownNodeLevels.is_bus)
  uint32_t    run_position; ///< Where it runs in the plan (0: first); sources run before their buses
  uint32_t    channels;     ///< Channels after its inserts (1 or 2)
  uint32_t    n_inserts;    ///< Inserts, in chain order (mixdown_graph_insert())
  uint32_t    n_edges;      ///< Its output, then its sends (mixdown_graph_edge())
  /// Latency of its input against the timeline, in frames: for a bus, the
  /// latest of its inputs (the others are delayed to meet it); for a
  /// track, the delay given to its clips so that a sidechain key that
  /// arrives late lines up (0 otherwise).
  uint32_t    latency_in_frames;
  uint32_t    insert_latency_frames; ///< Added by its inserts (their reported latencies summed)
  uint32_t    latency_out_frames;    ///< latency_in_frames + insert_latency_frames
  uint64_t    tail_frames;  ///< How long its output rings on after its inputs stop
  int         audible;      ///< 0 when muted, or silenced by another strip's solo
} MixdownGraphNode;

/// An output or a send of a strip: an edge of the graph.
typedef struct {
  uint32_t to;           ///< The node it feeds (a bus or the master)
  int      is_send;      ///< 0: the strip's output; 1: a send
  int      pre_fader;    ///< A send taken before the fader
  double   level_db;     ///< A send's level (its value at the start when automated); 0 for an output
  int      automated;    ///< The send's level follows an envelope
  /// Latency compensation: frames this edge delays its signal so that it
  /// meets the node's other inputs aligned (`to`'s latency in minus the
  /// strip's latency out).
  uint32_t delay_frames;
} MixdownGraphEdge;

/// An insert of a strip.
typedef struct {
  const char* type;           ///< Processor type, as in session files ("limiter", "lv2", …)
  const char* plugin;         ///< An LV2 plugin's name, or NULL (owned by the graph)
  uint32_t    latency_frames; ///< The latency its processor reports at the session's rate
  uint32_t    key;            ///< The node keying its sidechain, or #MIXDOWN_GRAPH_NONE
  uint32_t    key_delay_frames; ///< Frames the key is delayed to meet the audio at this insert
} MixdownGraphInsert;

/**
   Build the routing graph of `session`: the engine is built (processors
   created and prepared at the session's rate, so every latency is the one
   a render has) but nothing is rendered.  Thread: control.
   @param[out] graph Set to the new graph; free with mixdown_graph_free().
   @param message Receives a description of a failure (may be NULL).
   @return #MIXDOWN_SUCCESS, #MIXDOWN_ERR_BAD_ARG, #MIXDOWN_ERR_NO_MEM, or
   what mixdown_engine_new() returns.
*/
MIXDOWN_API MixdownStatus
mixdown_graph_new(const MixdownSession* session, MixdownGraph** graph, char* message, size_t message_size);

/// Free `graph` (NULL is ignored).  Thread: control.
MIXDOWN_API void mixdown_graph_free(MixdownGraph* graph);

/// Number of nodes: tracks, buses, then the master (session order).
MIXDOWN_API uint32_t mixdown_graph_node_count(const MixdownGraph* graph);

/// Node `index` (session order), or NULL past the end.
MIXDOWN_API const MixdownGraphNode* mixdown_graph_node(const MixdownGraph* graph, uint32_t index);

/// The node that runs at `position` of the plan, or #MIXDOWN_GRAPH_NONE.
MIXDOWN_API uint32_t mixdown_graph_run_order(const MixdownGraph* graph, uint32_t position);

/// Edge `edge` of node `node` (0 is its output unless it is the master,
/// then its sends in session order), or NULL past the end.
MIXDOWN_API const MixdownGraphEdge* mixdown_graph_edge(const MixdownGraph* graph, uint32_t node, uint32_t edge);

/// Insert `insert` of node `node` (chain order), or NULL past the end.
MIXDOWN_API const MixdownGraphInsert*
mixdown_graph_insert(const MixdownGraph* graph, uint32_t node, uint32_t insert);

/// Latency on the master path in frames (as mixdown_engine_latency()):
/// rendered past the end and dropped from the start of the mix.
MIXDOWN_API uint32_t mixdown_graph_latency(const MixdownGraph* graph);

/* ------------------------------------------------------------------------ */
/* Analysis                                                                  */

/// Measurements of one audio file.
typedef struct {
  uint32_t size;                 ///< Set to sizeof(MixdownAnalysis) before the call
  uint32_t sample_rate;          ///< Hz
  uint32_t channels;             ///< Channel count
  uint64_t frames;               ///< Length in frames
  double   peak_dbfs[8];         ///< Sample peak per channel (first 8 channels)
  double   rms_dbfs[8];          ///< RMS per channel (first 8 channels)
  double   peak_dbfs_max;        ///< Highest sample peak of any channel
  double   integrated_lufs;      ///< Integrated loudness (-HUGE_VAL if too short/silent)
  double   loudness_range_lu;    ///< Loudness range (EBU Tech 3342)
  double   true_peak_dbtp;       ///< Highest true peak of any channel
  MixdownLevels levels;          ///< All of it, with momentary/short-term maxima, DC, correlation
  /// Sessions only: non-zero when the session's loudness target was
  /// applied as render applies it; the figures above are then of the
  /// finished mix, and these say what finishing did.
  int      finished;
  double   mix_integrated_lufs;  ///< The mix before finishing (the master strip)
  double   target_lufs;          ///< The target finished to
  double   ceiling_db;           ///< The true-peak ceiling
  double   finish_gain_db;       ///< Gain before the finishing limiter
  double   finish_limiter_db;    ///< The limiter's deepest reduction (≤ 0)
  /// Files only: samples that were NaN or infinite.  They are measured as
  /// silence, so a file of nothing else reads -inf everywhere: this tells
  /// it from a silent one.
  uint64_t non_finite;
} MixdownAnalysis;

/**
   Measure the file at `path`: sample peak, RMS, integrated loudness, loudness
   range and true peak (libebur128).  Thread: control.
   @param message Receives a description of a failure (may be NULL).
*/
MIXDOWN_API MixdownStatus
mixdown_analyze_file(const char* path, MixdownAnalysis* analysis, char* message,
                     size_t message_size);

/**
   Render `session` without writing it and measure the mix (into
   `analysis`), every track, bus and the master (through `node_levels`),
   and report the deepest gain reduction of every dynamics insert (through
   `meter`); either callback may be NULL.  Thread: control.
*/
MIXDOWN_API MixdownStatus
mixdown_analyze_session(const MixdownSession* session, MixdownAnalysis* analysis,
                        void (*node_levels)(void* user_data, const MixdownNodeLevels* levels),
                        void (*meter)(void* user_data, const MixdownMeterReport* meter),
                        void* user_data, char* message, size_t message_size);

/// How to analyse a session.  Zero-initialise, set `size`, then set what you need.
typedef struct {
  uint32_t size;     ///< Set to sizeof(MixdownAnalyzeOptions)
  uint32_t threads;  ///< Worker threads (0 = all cores)
  void (*node_levels)(void* user_data, const MixdownNodeLevels* levels); ///< Or NULL
  void (*meter)(void* user_data, const MixdownMeterReport* meter);       ///< Or NULL
  /// Progress, as MixdownRenderOptions.progress_stage (or NULL).
  void (*progress_stage)(void* user_data, const char* stage, double fraction);
  void*         user_data;
  volatile int* cancel; ///< Polled once per block (or NULL)
  const char*   temp_dir; ///< For the premaster of a finished mix, as MixdownRenderOptions.temp_dir
} MixdownAnalyzeOptions;

/**
   As mixdown_analyze_session(), on every core, with progress; when the
   session has a loudness target (master.loudness, or the first item of
   `outputs:`) the mix is finished as render finishes it, and `analysis`
   measures the finished mix (see MixdownAnalysis.finished).
*/
MIXDOWN_API MixdownStatus
mixdown_analyze_session_with(const MixdownSession* session, const MixdownAnalyzeOptions* options,
                             MixdownAnalysis* analysis, char* message, size_t message_size);

/**
   Draw the mix report of a session (rendered, not written) as a PNG
   (1600×1240): waveform overview, momentary and short-term loudness over
   time with a line at `target_lufs`, every track's and bus's short-term
   loudness over time, long-term average spectrum in 1/3 octaves (dBFS),
   and the loudness and peak of every strip, written out.  Time axes are in
   seconds, and in bars too when the session has a tempo.  A session with a
   loudness target is drawn finished as render finishes it (the strips:
   before finishing), on every core.  Thread: control.
*/
MIXDOWN_API MixdownStatus
mixdown_plot_session(const MixdownSession* session, const char* png_path, double target_lufs,
                     char* message, size_t message_size);

/// The same picture for an audio file: its channels' RMS and peak instead
/// of strips, and no loudness of strips over time.  Thread: control.
MIXDOWN_API MixdownStatus
mixdown_plot_file(const char* path, const char* png_path, double target_lufs, char* message,
                  size_t message_size);

/// How to draw a plot.  Zero-initialise, set `size`, then set what you need.
typedef struct {
  uint32_t    size;        ///< Set to sizeof(MixdownPlotOptions)
  double      target_lufs; ///< Where the target line is drawn
  /// The folder for temporary files (the premaster of a finished mix, the
  /// spool of a picture written to a FIFO), as
  /// MixdownRenderOptions.temp_dir.  NULL or "": /tmp.
  const char* temp_dir;
} MixdownPlotOptions;

/// mixdown_plot_session() with options.  Thread: control.
MIXDOWN_API MixdownStatus
mixdown_plot_session_with(const MixdownSession* session, const char* png_path, const MixdownPlotOptions* options,
                          char* message, size_t message_size);

/// mixdown_plot_file() with options.  Thread: control.
MIXDOWN_API MixdownStatus
mixdown_plot_file_with(const char* path, const char* png_path, const MixdownPlotOptions* options, char* message,
                       size_t message_size);

/// May `png_path` be written as a picture (analyze --plot)?  Not a file
/// `session` reads (sources, impulse responses, the session file itself;
/// NULL: no session) nor `input` (the file analysed; NULL: none), however
/// the path is spelled; not a folder, a block device or an existing file
/// that is not a PNG.  #MIXDOWN_ERR_BAD_ARG with a message otherwise.
/// Thread: control.
MIXDOWN_API MixdownStatus
mixdown_check_plot_path(const MixdownSession* session, const char* input, const char* png_path, char* message,
                        size_t message_size);

/// The session's loudness target (`master.loudness`), or NaN if it has none.
MIXDOWN_API double mixdown_session_loudness_target(const MixdownSession* session);

/* ------------------------------------------------------------------------ */
/* Processors and their parameters (read from the parameter tables)         */

/// Kinds of parameter value.
typedef enum {
  MIXDOWN_PARAM_NUMBER = 0, ///< A number, or an automation envelope
  MIXDOWN_PARAM_BOOL,       ///< true or false
  MIXDOWN_PARAM_CHOICE,     ///< One of a fixed list of names
  MIXDOWN_PARAM_LIST,       ///< A list of records (see mixdown_processor_param_field())
  MIXDOWN_PARAM_NODE,       ///< The name of a track or bus (a sidechain key)
  MIXDOWN_PARAM_NOTE,       ///< A note value ("1/8", dotted "1/8.", triplet "1/8t"), with the tempo
  MIXDOWN_PARAM_FILE,       ///< An audio file (mono or stereo, any rate), e.g. an impulse response
  MIXDOWN_PARAM_TEXT,       ///< Free text read by its owner (an assistant's `--amount eq=60%`, a plot's path)
} MixdownParamKind;

/// One parameter of a processor, as declared in its table.
typedef struct {
  const char*       name;          ///< Key in session files
  const char*       unit;          ///< "dB", "Hz", "ms", "" …
  const char*       description;   ///< One line
  MixdownParamKind  kind;          ///< Number, bool or choice
  double            min;           ///< Smallest valid value (numbers)
  double            max;           ///< Largest valid value (numbers)
  double            default_value; ///< Default (for choices: index into `choices`; NaN: computed by its owner, shown as "auto")
  const char* const* choices;      ///< NULL-terminated names (choices only)
} MixdownParamInfo;

/// Number of processor types.  Thread: any.
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_processor_count(void);

/// Name of processor type `index` (static storage), or NULL past the end.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_processor_name(uint32_t index);

/// One-line description of processor type `index`, or NULL past the end.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_processor_description(uint32_t index);

/// Number of parameters of processor type `index` (0 past the end).
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_processor_param_count(uint32_t index);

/// Parameter `param` of processor type `index` (static storage), or NULL.
MIXDOWN_API MIXDOWN_REALTIME const MixdownParamInfo* mixdown_processor_param(uint32_t index, uint32_t param);

/// Number of fields of list parameter `param` of processor `index` (0 if it
/// is not a list), and the most items the list may hold.
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_processor_param_field_count(uint32_t index, uint32_t param,
                                                         uint32_t* max_items);

/// Field `field` of list parameter `param` of processor `index`, or NULL.
MIXDOWN_API MIXDOWN_REALTIME const MixdownParamInfo* mixdown_processor_param_field(uint32_t index, uint32_t param,
                                                                  uint32_t field);

/// Number of meters (read-outs such as gain reduction) of processor `index`.
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_processor_meter_count(uint32_t index);

/// Name of meter `meter` of processor `index` (static storage), or NULL.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_processor_meter_name(uint32_t index, uint32_t meter);

/* ------------------------------------------------------------------------ */
/* LV2 plugins                                                               */

/// One installed LV2 plugin.
typedef struct {
  const char* uri;           ///< Its URI (use it as `uri:` of a `type: lv2` insert)
  const char* name;          ///< Its name
  uint32_t    audio_inputs;  ///< Audio input ports
  uint32_t    audio_outputs; ///< Audio output ports
} MixdownPluginInfo;

/// Calls `visit` for every installed LV2 plugin (strings valid during the
/// call only).  Thread: control.
MIXDOWN_API MixdownStatus
mixdown_plugins_list(void (*visit)(void* user_data, const MixdownPluginInfo* plugin), void* user_data);

/**
   Describe LV2 plugin `uri` as mixdown sees it at `sample_rate`: its name,
   and every parameter (control input, by symbol, with range and default)
   and meter (control output).  Thread: control.
   @return #MIXDOWN_SUCCESS, or #MIXDOWN_ERR_BAD_ARG with `message` saying
   why (unknown URI with the nearest one, unsupported feature, …).
*/
MIXDOWN_API MixdownStatus
mixdown_plugin_describe(const char* uri, double sample_rate,
                        void (*param)(void* user_data, const MixdownParamInfo* info),
                        void (*meter)(void* user_data, const char* name), void* user_data,
                        char* name, size_t name_size, char* message, size_t message_size);

/// Number of channel-strip parameters of every track and bus (fader, pan …).
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_strip_param_count(void);

/// Channel-strip parameter `param` (static storage), or NULL past the end.
MIXDOWN_API MIXDOWN_REALTIME const MixdownParamInfo* mixdown_strip_param(uint32_t param);

/// Number of keys every insert has besides its type's parameters
/// (`bypass`).
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_insert_param_count(void);

/// Key `param` every insert has (static storage), or NULL past the end.
MIXDOWN_API MIXDOWN_REALTIME const MixdownParamInfo* mixdown_insert_param(uint32_t param);

/* ------------------------------------------------------------------------ */
/* Mix assistants: analyse a session's sources, write editable values        */
/*                                                                           */
/* An assistant (duck, level, balance, unmask, match) renders the session    */
/* held by an editor, measures what it needs, and writes its result into the */
/* editor as plain session values (envelopes, insert settings, gains) that a */
/* person can read, move or delete; mixdown_editor_diff() shows them and     */
/* mixdown_editor_save() writes them.  docs/assistants.md describes each.   */

/// One option given to an assistant: `--NAME VALUE` on the command line
/// (`value` NULL or "true" for a switch).
typedef struct {
  const char* name;
  const char* value;
} MixdownAssistArg;

/// How an assistant runs.  Zero-initialise, then fill in.
typedef struct {
  const MixdownAssistArg* args; ///< Its options (see mixdown_assistant_option())
  uint32_t                n_args;
  uint32_t                threads; ///< Threads for the analysis (0: the render on one, the measuring beside it)
  /// Called as the analysis goes on (stage, 0 … 1); may be NULL.
  void (*progress)(void* user_data, const char* stage, double fraction);
  void* user_data;
  /// Non-zero: write no file of the assistant's own (unmask's --plot): it
  /// is said in the report, not written, as a dry run writes nothing.
  int dry_run;
} MixdownAssistOptions;

/// Number of assistants.  Thread: any.
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_assistant_count(void);

/// Name of assistant `index` ("duck" …; static storage), or NULL past the end.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_assistant_name(uint32_t index);

/// One line saying what assistant `index` does, or NULL past the end.
MIXDOWN_API MIXDOWN_REALTIME const char* mixdown_assistant_description(uint32_t index);

/// Number of options of assistant `index` (0 past the end).
MIXDOWN_API MIXDOWN_REALTIME uint32_t mixdown_assistant_option_count(uint32_t index);

/// Option `option` of assistant `index`, as declared in its table (name,
/// unit, range, default, description), or NULL past the end.  A switch is
/// #MIXDOWN_PARAM_BOOL; track and bus names (one, or several joined by
/// commas) #MIXDOWN_PARAM_NODE.
MIXDOWN_API MIXDOWN_REALTIME const MixdownParamInfo* mixdown_assistant_option(uint32_t index, uint32_t option);

/**
   Run assistant `kind` on the session held by `editor`: analyse and write
   its values into the editor (nothing is saved: see mixdown_editor_save()).
   Re-running an assistant replaces what it wrote before (docs/assistants.md
   says how it recognises its own values).

   Thread: control.
   @param[out] report_text The short report, lines ending in '\n' (malloc'd;
   free() it), or NULL.
   @param[out] report_json The same as one JSON object (malloc'd), or NULL.
   @param message Receives why it failed (may be NULL).
   @return #MIXDOWN_SUCCESS; #MIXDOWN_ERR_BAD_ARG for an unknown assistant,
   an unknown option or a value out of its range (the message gives the
   nearest name or the range); #MIXDOWN_ERR_SESSION when an edit was
   refused (reported to the editor's diagnostic callback);
   #MIXDOWN_ERR_DECODE / #MIXDOWN_ERR_IO when a source fails;
   #MIXDOWN_ERR_NO_MEM.  After any failure the editor may hold part of the
   run's edits (an earlier result is removed before the analysis, so that
   it is not heard): free it without saving, as `mixdown assist` does.
*/
MIXDOWN_API MixdownStatus
mixdown_assist(MixdownEditor* editor, const char* kind, const MixdownAssistOptions* options, char** report_text,
               char** report_json, char* message, size_t message_size);

#ifdef __cplusplus
}
#endif

#endif // MIXDOWN_H
