// Copyright 2026 The mixdown authors
// SPDX-License-Identifier: GPL-3.0-or-later

#include "io/source.h"

#include "io/file_budget.h"

#include <sndfile.h>
#include <soxr.h>

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MD_SOURCE_CHUNK 1024U // frames decoded per read: small, so thousands of tracks stay cheap
// A source reads its file this much at a time (libsndfile asks a few KB per
// read): with a slot of the file budget, one system call per 64 KB; without
// one, one open per 1/3 s of 16-bit stereo at 48 kHz.  A file truncated
// while it plays is found out at the next fill.  A source without a slot
// always has one; sources with a slot share MD_SOURCE_AHEAD_SHARES of them
// (32 MB), so that ten thousand tracks open at once cost no more memory
// than before: past those, a source reads straight from its descriptor.
#define MD_SOURCE_AHEAD_SHARES 512L

static atomic_long ahead_shares_held; // read-aheads of sources with a slot, in every engine of the process

static bool
take_ahead_share(void)
{
  long now = atomic_load(&ahead_shares_held);
  while (now < MD_SOURCE_AHEAD_SHARES) {
    if (atomic_compare_exchange_weak(&ahead_shares_held, &now, now + 1L)) {
      return true;
    }
  }
  return false;
}
#define MD_SOURCE_AHEAD_BYTES (64U * 1024U)

// libsndfile reads through these (its virtual I/O), so that the file
// under it can be closed between reads when descriptors are scarce,
// without its decoder knowing: the bytes it sees, and so the audio, are
// the same either way.  Reads past what the file held when it was opened
// are never asked for; a read that comes back short of that is a file
// truncated since.
typedef struct {
  char*          path;
  int            fd;          ///< Open while the source holds a slot of the file budget; else -1
  bool           has_slot;
  bool           has_ahead_share; ///< `ahead` is one of the MD_SOURCE_AHEAD_SHARES
  sf_count_t     size;        ///< Bytes when opened
  sf_count_t     pos;
  dev_t          dev;         ///< Which file it is: reopened by name, it must be the same one
  ino_t          ino;
  unsigned char* ahead;       ///< Bytes [ahead_at, ahead_at + ahead_len) of the file
  size_t         ahead_size;  ///< Bytes `ahead` holds
  sf_count_t     ahead_at;
  size_t         ahead_len;
  bool           ahead_short; ///< The fill read less than it asked: the file ended there
  bool           truncated;   ///< The file held less than when it was opened
  bool           replaced;    ///< Reopened by name, it was another file
  int            error;       ///< errno of a failed open or read (0: none)
} MdSourceFile;

struct MdSource {
  SNDFILE*     file;
  MdSourceFile io;
  uint32_t channels;
  int64_t  file_frames;         ///< Frames of the file, as its header says
  soxr_t   resampler;           ///< NULL when the rates match
  float*   decoded;             ///< Interleaved chunk from the file
  unsigned char* raw24;         ///< The chunk's bytes, for a 24-bit WAV decoded here (else NULL)
  int64_t  file_left_frames;    ///< Frames of the file not yet decoded (for raw24)
  size_t   decoded_have_frames; ///< Frames in `decoded` not yet given to soxr
  size_t   decoded_pos;         ///< First frame of `decoded` not yet used
  float*   converted;           ///< Interleaved output of soxr
  bool     may_be_non_finite;   ///< Float or double samples (PCM is always finite)
  uint64_t length_frames;       ///< Frames at the output rate, from the offset on
  uint64_t delivered_frames;    ///< Frames of audio given out so far (not the silence after)
  bool     file_done;           ///< The file has no more frames
  bool     failed;              ///< Decoding failed (the file is damaged)
};

static sf_count_t
vio_length(void* user)
{
  return ((MdSourceFile*)user)->size;
}

static sf_count_t
vio_seek(sf_count_t offset, int whence, void* user)
{
  MdSourceFile* f  = user;
  const sf_count_t to = whence == SEEK_SET ? offset : whence == SEEK_CUR ? f->pos + offset : f->size + offset;
  if (to < 0) {
    return -1;
  }
  f->pos = to;
  return to;
}

static sf_count_t
vio_tell(void* user)
{
  return ((MdSourceFile*)user)->pos;
}

static sf_count_t
vio_write(const void* data, sf_count_t count, void* user)
{
  (void)data, (void)count, (void)user;
  return 0;
}

// Up to `count` bytes at `at` from `fd`; fewer only at the end of the file.
static sf_count_t
read_at(int fd, void* data, sf_count_t count, sf_count_t at, int* error)
{
  sf_count_t got = 0;
  while (got < count) {
    const ssize_t n = pread(fd, (unsigned char*)data + got, (size_t)(count - got), (off_t)(at + got));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      *error = errno;
    }
    if (n <= 0) {
      break;
    }
    got += n;
  }
  return got;
}

// Without a slot: the file is opened by name for this read, checked to be
// the file first opened, and closed again.
static sf_count_t
read_unheld(MdSourceFile* f, void* data, sf_count_t count, sf_count_t at)
{
  const int fd = open(f->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    f->error = errno;
    return 0;
  }
  struct stat st;
  sf_count_t  got = 0;
  if (fstat(fd, &st) || st.st_dev != f->dev || st.st_ino != f->ino) {
    f->replaced = true;
  } else {
    got = read_at(fd, data, count, at, &f->error);
  }
  close(fd);
  return got;
}

// Fills the read-ahead with the bytes of the file from `at` on (up to the
// size it had when opened): through the held descriptor, or by opening the
// file by name.  Returns false when nothing could be read.
static bool
fill_ahead(MdSourceFile* f, sf_count_t at)
{
  const sf_count_t left = f->size - at;
  const sf_count_t ask  = left < (sf_count_t)f->ahead_size ? left : (sf_count_t)f->ahead_size;
  const sf_count_t got  = f->fd >= 0 ? read_at(f->fd, f->ahead, ask, at, &f->error) : read_unheld(f, f->ahead, ask, at);
  f->ahead_at    = at;
  f->ahead_len   = (size_t)got;
  f->ahead_short = got < ask;
  return got > 0;
}

// libsndfile asks a few kilobytes at a time: served from the read-ahead,
// so that a file is read in large pieces (one system call per
// `ahead_size` bytes rather than per request).  A read that reaches the
// end of a short fill stops there: the file held less than when opened.
static sf_count_t
vio_read(void* data, sf_count_t count, void* user)
{
  MdSourceFile*    f    = user;
  const sf_count_t want = f->pos < f->size ? (count < f->size - f->pos ? count : f->size - f->pos) : 0;
  sf_count_t       got  = 0;
  if (!f->ahead) { // a slot, but none of the read-ahead shares left
    got = read_at(f->fd, data, want, f->pos, &f->error);
  }
  while (got < want && f->ahead) {
    const sf_count_t at = f->pos + got;
    if (at < f->ahead_at || at >= f->ahead_at + (sf_count_t)f->ahead_len) {
      if (f->fd >= 0 && want - got >= (sf_count_t)f->ahead_size) {
        got += read_at(f->fd, (unsigned char*)data + got, want - got, at, &f->error); // large: straight in
        break;
      }
      if (!fill_ahead(f, at)) {
        break;
      }
    }
    const sf_count_t in_ahead = f->ahead_at + (sf_count_t)f->ahead_len - at;
    const sf_count_t n        = want - got < in_ahead ? want - got : in_ahead;
    memcpy((unsigned char*)data + got, f->ahead + (at - f->ahead_at), (size_t)n);
    got += n;
    if (f->ahead_short && n == in_ahead) {
      break; // the file ended within the read-ahead
    }
  }
  f->truncated = f->truncated || (got < want && !f->error && !f->replaced);
  f->pos += got;
  return got;
}

static SF_VIRTUAL_IO source_io = {vio_length, vio_seek, vio_read, vio_write, vio_tell};

// Opens the file under `s`: a descriptor kept if the budget has a slot,
// else closed once libsndfile has read the header (see md_source_open()).
static bool
open_file(MdSource* s, const char* path, MixdownStatus* why, char* message, size_t message_size)
{
  MdSourceFile* f = &s->io;
  f->fd           = -1;
  if (!(f->path = strdup(path))) {
    *why = MIXDOWN_ERR_NO_MEM;
    snprintf(message, message_size, "out of memory");
    return false;
  }
  struct stat st;
  const int   fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st)) {
    snprintf(message, message_size, "cannot open `%s`: %s", path, strerror(errno));
    if (fd >= 0) {
      close(fd);
    }
    return false;
  }
  f->fd       = fd;
  f->size     = (sf_count_t)st.st_size;
  f->dev      = st.st_dev;
  f->ino      = st.st_ino;
  f->has_slot = md_file_budget_take();
  f->has_ahead_share = f->has_slot && take_ahead_share();
  if (!f->has_slot || f->has_ahead_share) {
    if (!(f->ahead = malloc(MD_SOURCE_AHEAD_BYTES))) {
      *why = MIXDOWN_ERR_NO_MEM;
      snprintf(message, message_size, "out of memory");
      return false; // the descriptor, the slot and the share: md_source_close()
    }
    f->ahead_size = MD_SOURCE_AHEAD_BYTES;
  }
  return true;
}

// True for a 24-bit PCM file whose bytes are little-endian tribytes as
// they lie in the file (WAV and its kin, on a little-endian machine):
// those md_source decodes itself (decode_pcm24()), to the same floats.
static bool
decodes_raw24(SNDFILE* file, const SF_INFO* info)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const int major = info->format & SF_FORMAT_TYPEMASK;
  return (info->format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_24 &&
         (major == SF_FORMAT_WAV || major == SF_FORMAT_WAVEX || major == SF_FORMAT_RF64 || major == SF_FORMAT_W64) &&
         sf_command(file, SFC_RAW_DATA_NEEDS_ENDSWAP, NULL, 0) == SF_FALSE;
#else
  (void)file, (void)info;
  return false;
#endif
}

// md_source_open(); on failure *why is MIXDOWN_ERR_NO_MEM when memory ran
// out (left as it was otherwise).
static MdSource*
open_source(const char* path, int64_t offset_frames, double out_rate, MixdownStatus* why, char* message,
            size_t message_size)
{
  MdSource* s = calloc(1U, sizeof(MdSource));
  if (!s) {
    *why = MIXDOWN_ERR_NO_MEM;
    snprintf(message, message_size, "out of memory");
    return NULL;
  }
  SF_INFO info = {0};
  if (!open_file(s, path, why, message, message_size)) {
    md_source_close(s);
    return NULL;
  }
  if (!(s->file = sf_open_virtual(&source_io, SFM_READ, &info, &s->io))) {
    snprintf(message, message_size, "cannot open `%s`: %s", path, sf_strerror(NULL));
    md_source_close(s);
    return NULL;
  }
  if (info.channels < 1 || (uint32_t)info.channels > MD_SOURCE_MAX_CHANNELS || info.samplerate < 1) {
    snprintf(message, message_size, "`%s` has %d channels at %d Hz; mixdown takes mono or stereo sources",
             path, info.channels, info.samplerate);
    md_source_close(s);
    return NULL;
  }
  s->file_frames = (int64_t)info.frames;
  s->channels  = (uint32_t)info.channels;
  const int sub = info.format & SF_FORMAT_SUBMASK;
  // Anything that is not plainly integer PCM is checked sample by sample.
  s->may_be_non_finite = !(sub == SF_FORMAT_PCM_S8 || sub == SF_FORMAT_PCM_U8 || sub == SF_FORMAT_PCM_16 ||
                           sub == SF_FORMAT_PCM_24 || sub == SF_FORMAT_PCM_32);
  s->decoded   = malloc(MD_SOURCE_CHUNK * s->channels * sizeof(float));
  s->converted = malloc(MD_SOURCE_CHUNK * s->channels * sizeof(float));
  if (!s->decoded || !s->converted) {
    *why = MIXDOWN_ERR_NO_MEM;
    snprintf(message, message_size, "out of memory");
    md_source_close(s);
    return NULL;
  }
  if (offset_frames > 0 && sf_seek(s->file, (sf_count_t)offset_frames, SEEK_SET) < 0) {
    snprintf(message, message_size, "cannot seek in `%s`: %s", path, sf_strerror(s->file));
    md_source_close(s);
    return NULL;
  }
  const int64_t left = info.frames - (offset_frames > 0 ? offset_frames : 0);
  if (decodes_raw24(s->file, &info)) {
    s->file_left_frames = left;
    if (!(s->raw24 = malloc(MD_SOURCE_CHUNK * s->channels * 3U))) {
      *why = MIXDOWN_ERR_NO_MEM;
      snprintf(message, message_size, "out of memory");
      md_source_close(s);
      return NULL;
    }
  }
  // A damaged header may claim ~2^63 frames at a low rate: converted to the
  // session's rate that count overflows every integer type.  2^53 frames
  // (5 900 years at 48 kHz) is far past any real file and exact in a double.
  const double length_frames = left > 0 ? ceil((double)left * out_rate / info.samplerate) : 0.0;
  if (!(length_frames < 9007199254740992.0)) {
    snprintf(message, message_size, "`%s` claims %lld frames at %d Hz: more than any real file holds (a damaged header?)",
             path, (long long)info.frames, info.samplerate);
    md_source_close(s);
    return NULL;
  }
  s->length_frames = (uint64_t)length_frames;
  if ((double)info.samplerate != out_rate) {
    soxr_error_t            error   = NULL;
    const soxr_io_spec_t    io      = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ, 0);
    s->resampler = soxr_create((double)info.samplerate, out_rate, s->channels, &error, &io, &quality, NULL);
    if (error) {
      snprintf(message, message_size, "cannot resample `%s`: %s", path, error);
      md_source_close(s);
      return NULL;
    }
  }
  if (!s->io.has_slot) {
    // No slot: the file is opened for each read from now on (and checked
    // to be the same file at the first).
    close(s->io.fd);
    s->io.fd        = -1;
    s->io.ahead_len = 0U;
  }
  return s;
}

MdSource*
md_source_open(const char* path, int64_t offset_frames, double out_rate, char* message, size_t message_size)
{
  MixdownStatus why = MIXDOWN_ERR_DECODE;
  return open_source(path, offset_frames, out_rate, &why, message, message_size);
}

MixdownStatus
md_source_open_status(const char* path, int64_t offset_frames, double out_rate, MdSource** source, char* message,
                      size_t message_size)
{
  MixdownStatus why = MIXDOWN_ERR_DECODE;
  *source           = open_source(path, offset_frames, out_rate, &why, message, message_size);
  return *source ? MIXDOWN_SUCCESS : why;
}

void
md_source_close(MdSource* s)
{
  if (!s) {
    return;
  }
  if (s->file) {
    sf_close(s->file);
  }
  if (s->io.fd >= 0) {
    close(s->io.fd);
  }
  if (s->io.has_slot) {
    md_file_budget_give();
  }
  if (s->io.has_ahead_share) {
    atomic_fetch_sub(&ahead_shares_held, 1L);
  }
  free(s->io.path);
  free(s->io.ahead);
  soxr_delete(s->resampler);
  free(s->decoded);
  free(s->raw24);
  free(s->converted);
  free(s);
}

uint32_t
md_source_channels(const MdSource* s)
{
  return s->channels;
}

uint64_t
md_source_length(const MdSource* s)
{
  return s->length_frames;
}

int64_t
md_source_file_frames(const MdSource* s)
{
  return s->file_frames;
}

uint64_t
md_source_delivered(const MdSource* s)
{
  return s->delivered_frames;
}

// 24-bit little-endian PCM to float, as libsndfile does it (its
// normalised float read): the three bytes as the top of an int, converted
// and scaled by 2^-31, both exact.  Its loop is byte by byte and converts
// one sample at a time; here the bytes become ints (one unaligned 4-byte
// load for each sample but the last), then a loop that vectorises makes
// them floats, a stack buffer's worth at a time.
static void
decode_pcm24(const unsigned char* in, size_t samples, float* out)
{
  const float scale = 1.0f / 2147483648.0f;
  int32_t     wide[256];
  for (size_t done = 0U; done < samples;) {
    const size_t n = samples - done < 256U ? samples - done : 256U;
    const unsigned char* bytes = in + 3U * done;
    const size_t         loads = done + n < samples ? n : n - 1U; // never a byte past the input
    for (size_t i = 0U; i < loads; ++i) {
      uint32_t word;
      memcpy(&word, bytes + 3U * i, sizeof word);
      wide[i] = (int32_t)(word << 8);
    }
    for (size_t i = loads; i < n; ++i) {
      const uint32_t word = (uint32_t)bytes[3U * i] | (uint32_t)bytes[3U * i + 1U] << 8 | (uint32_t)bytes[3U * i + 2U] << 16;
      wide[i]             = (int32_t)(word << 8);
    }
    for (size_t i = 0U; i < n; ++i) {
      out[done + i] = (float)wide[i] * scale;
    }
    done += n;
  }
}

// The next chunk of the file, decoded: by libsndfile, or (a 24-bit WAV)
// its bytes through libsndfile and the conversion here.
static sf_count_t
read_chunk(MdSource* s)
{
  if (!s->raw24) {
    return sf_readf_float(s->file, s->decoded, MD_SOURCE_CHUNK);
  }
  const int64_t frames = s->file_left_frames < (int64_t)MD_SOURCE_CHUNK ? s->file_left_frames : MD_SOURCE_CHUNK;
  if (frames <= 0) {
    return 0;
  }
  const sf_count_t bytes = sf_read_raw(s->file, s->raw24, (sf_count_t)frames * 3 * s->channels);
  const sf_count_t got   = bytes > 0 ? bytes / (3 * (sf_count_t)s->channels) : 0;
  decode_pcm24(s->raw24, (size_t)got * s->channels, s->decoded);
  s->file_left_frames -= got;
  return got;
}

static void
decode_more(MdSource* s)
{
  if (s->file_done || s->decoded_pos < s->decoded_have_frames) {
    return;
  }
  const sf_count_t got   = read_chunk(s);
  s->decoded_have_frames = got > 0 ? (size_t)got : 0U;
  s->decoded_pos         = 0U;
  if (got < (sf_count_t)MD_SOURCE_CHUNK) {
    s->file_done = true; // short read: end of file, or damage
    s->failed    = sf_error(s->file) != SF_ERR_NO_ERROR;
  }
}

// Produces up to `want` interleaved frames at the output rate: in `dst`,
// or (without resampling) straight from the decoded chunk, through *frames.
static size_t
produce(MdSource* s, float* dst, size_t want, const float** frames)
{
  *frames = dst;
  if (!s->resampler) {
    decode_more(s);
    size_t n = s->decoded_have_frames - s->decoded_pos;
    n        = n < want ? n : want;
    *frames  = s->decoded + s->decoded_pos * s->channels;
    s->decoded_pos += n;
    return n;
  }
  size_t made = 0U;
  while (made < want) {
    decode_more(s);
    size_t in_used = 0U;
    size_t out_got = 0U;
    const size_t in_have = s->decoded_have_frames - s->decoded_pos;
    if (in_have == 0U && s->file_done) {
      // No input left: a NULL input tells soxr to drain what it holds.
      soxr_process(s->resampler, NULL, 0U, NULL, dst + made * s->channels, want - made, &out_got);
      made += out_got;
      if (out_got == 0U) {
        break;
      }
      continue;
    }
    soxr_process(s->resampler, s->decoded + s->decoded_pos * s->channels, in_have, &in_used,
                 dst + made * s->channels, want - made, &out_got);
    s->decoded_pos += in_used;
    made += out_got;
  }
  return made;
}

// Planar copy of interleaved frames, replacing NaN and infinity (only float
// files can hold them) with silence: they must not poison the mix.
static void
deinterleave_checked(const float* in, uint32_t channels, float* const* out, uint32_t at, size_t n,
                     uint64_t* non_finite, uint32_t* bad)
{
  for (size_t i = 0U; i < n; ++i) {
    for (uint32_t c = 0U; c < channels; ++c) {
      float x = in[i * channels + c];
      if (!isfinite(x)) {
        x = 0.0f;
        ++*non_finite;
        *bad = *bad == UINT32_MAX ? at + (uint32_t)i : *bad;
      }
      out[c][at + i] = x;
    }
  }
}

MixdownStatus
md_source_read(MdSource* s, float* const* out, uint32_t frames, uint64_t* non_finite, uint32_t* first_bad,
               char* message, size_t message_size)
{
  uint32_t done = 0U;
  uint32_t bad  = UINT32_MAX;
  while (done < frames) {
    size_t want = frames - done;
    want        = want < MD_SOURCE_CHUNK ? want : MD_SOURCE_CHUNK;
    const float* in  = NULL;
    const size_t got = produce(s, s->converted, want, &in);
    if (s->may_be_non_finite) {
      deinterleave_checked(in, s->channels, out, done, got, non_finite, &bad);
    } else if (s->channels == 2U) {
      float* const left  = out[0] + done;
      float* const right = out[1] + done;
      for (size_t i = 0U; i < got; ++i) {
        left[i]  = in[2U * i];
        right[i] = in[2U * i + 1U];
      }
    } else {
      memcpy(out[0] + done, in, got * sizeof(float));
    }
    done += (uint32_t)got;
    if (got == 0U) {
      break;
    }
  }
  for (uint32_t c = 0U; c < s->channels; ++c) {
    for (uint32_t i = done; i < frames; ++i) {
      out[c][i] = 0.0f;
    }
  }
  s->delivered_frames += done;
  if (first_bad) {
    *first_bad = bad;
  }
  if (s->failed) {
    snprintf(message, message_size, "decoding failed: %s", sf_strerror(s->file));
    return MIXDOWN_ERR_DECODE;
  }
  // A file that failed under the decoder is an error once the audio
  // decoded before it has run out, at the frame where it did.
  const MdSourceFile* f = &s->io;
  if (done < frames && (f->truncated || f->replaced)) {
    snprintf(message, message_size, "`%s` was %s during the render: its audio ran out %s", f->path,
             f->truncated ? "truncated" : "replaced", f->truncated ? "early" : "where it was replaced");
    return MIXDOWN_ERR_DECODE;
  }
  if (done < frames && f->error) {
    snprintf(message, message_size, "reading `%s` failed: %s", f->path, strerror(f->error));
    return MIXDOWN_ERR_DECODE;
  }
  return MIXDOWN_SUCCESS;
}
