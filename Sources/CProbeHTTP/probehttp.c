#define _GNU_SOURCE
#include "CProbeHTTP.h"

#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

// Bytes asked of one recv(), and the most a header block may take.
#define CPH_READ_SIZE 4096
#define CPH_HEADER_LIMIT (64 * 1024)
#define CPH_READY_BATCH 256

// A place in one of the loop's lists of transfers, ordered by when they were appended: the list's
// first entry is the one whose deadline comes first.
typedef struct cph_node {
    struct cph_node *previous, *next;
    int linked;
} cph_node;

typedef struct cph_list {
    cph_node *first, *last;
} cph_list;

enum cph_state { CPH_IDLE, CPH_CONNECTING, CPH_SENDING, CPH_HEADERS, CPH_BODY };

// How a body ends.
enum cph_framing { CPH_NO_BODY, CPH_LENGTH, CPH_CHUNKED, CPH_UNTIL_CLOSE };

// Where a chunked body's parser is.
enum cph_chunk_state { CPH_CHUNK_SIZE, CPH_CHUNK_DATA, CPH_CHUNK_DATA_END, CPH_CHUNK_TRAILER };

struct cph_transfer {
    cph_loop *loop;
    void *context;
    int socket;
    enum cph_state state;
    // Whether the connection served an answer before this request (a reused one may have been
    // closed by the server meanwhile: then the request is sent once more, on a new connection).
    int reused;
    int retried;
    struct sockaddr_storage address;
    socklen_t address_length;
    unsigned char *request;
    size_t request_length;
    size_t sent;
    int head;
    int keep_body;
    int watching_output;

    // The answer: its bytes up to the end of the header block, then one read at a time.
    unsigned char *buffer;
    size_t capacity;
    size_t length;
    size_t scanned;
    size_t header_start;
    size_t header_end;
    // The header lines of the answer parsed last, as offsets into the buffer (it may move).
    size_t headers_from;
    size_t headers_length;
    int http_minor;
    int keep_alive;
    enum cph_framing framing;
    unsigned long long remaining;
    enum cph_chunk_state chunk_state;
    int chunk_digits;
    int chunk_extension;
    size_t trailer_line;
    unsigned char *body;
    size_t body_length;
    size_t body_capacity;
    int received_any;

    long long started;
    long long deadline;
    long long connect_deadline;
    cph_result result;

    // Its places in the in-flight list (by start), the connecting list (by attempt) and the
    // finished queue.
    cph_node flight;
    cph_node attempt;
    cph_transfer *next_finished;
};

struct cph_loop {
    int epoll;
    int wake;
    int slot_timer;
    long long timeout;
    long long connect_timeout;
    // Transfers in flight, and those of them connecting: each timed out from its list's front.
    cph_list in_flight;
    cph_list connecting;
    cph_transfer *first_finished, *last_finished;
    struct epoll_event ready[CPH_READY_BATCH];
};

// Tags of the loop's own descriptors in epoll's data (transfers are pointers to them).
static char cph_slot_tag, cph_wake_tag;

static long long cph_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

// MARK: - Lists

static void cph_append(cph_list *list, cph_node *node) {
    node->previous = list->last;
    node->next = NULL;
    if (list->last) list->last->next = node;
    else list->first = node;
    list->last = node;
    node->linked = 1;
}

static void cph_remove(cph_list *list, cph_node *node) {
    if (!node->linked) return;
    if (node->previous) node->previous->next = node->next;
    else list->first = node->next;
    if (node->next) node->next->previous = node->previous;
    else list->last = node->previous;
    node->previous = node->next = NULL;
    node->linked = 0;
}

// The transfer at the front of `list`, whose node is its member `field`; NULL when empty.
#define CPH_FRONT(list, field) \
    ((list).first ? (cph_transfer *)((char *)(list).first - offsetof(cph_transfer, field)) : NULL)

// MARK: - Connections

static void cph_close(cph_transfer *t) {
    if (t->socket >= 0) {
        // Closing a descriptor takes it out of the epoll set.
        close(t->socket);
        t->socket = -1;
    }
    t->watching_output = 0;
    t->reused = 0;
}

static void cph_finish(cph_transfer *t, cph_kind kind, int error, const char *step, const char *problem) {
    long long now = cph_now();
    cph_remove(&t->loop->connecting, &t->attempt);
    cph_remove(&t->loop->in_flight, &t->flight);
    t->result.kind = kind;
    t->result.error = error;
    t->result.step = step;
    t->result.problem = problem;
    t->result.total_ns = now - t->started;
    if (kind != CPH_OK) {
        t->result.status = 0;
        t->result.headers = NULL;
        t->result.headers_length = 0;
        t->result.body_length = 0;
        cph_close(t);
    }
    t->state = CPH_IDLE;
    t->next_finished = NULL;
    cph_loop *loop = t->loop;
    if (loop->last_finished) loop->last_finished->next_finished = t;
    else loop->first_finished = t;
    loop->last_finished = t;
}

static int cph_watch(cph_transfer *t, int operation, uint32_t events) {
    struct epoll_event event = {.events = events, .data.ptr = t};
    return epoll_ctl(t->loop->epoll, operation, t->socket, &event);
}

// Watches output too while a request is not all sent (or the connection not yet made).
static void cph_watch_output(cph_transfer *t, int on) {
    if (t->watching_output == on) return;
    if (cph_watch(t, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0)) == 0) t->watching_output = on;
}

static void cph_reset_answer(cph_transfer *t) {
    t->length = 0;
    t->scanned = 0;
    t->header_start = 0;
    t->header_end = 0;
    t->body_length = 0;
    t->received_any = 0;
    t->result.status = 0;
    t->result.headers = NULL;
    t->result.headers_length = 0;
    t->result.body = t->body;
    t->result.body_length = 0;
}

static void cph_send(cph_transfer *t);

static void cph_connect(cph_transfer *t) {
    cph_close(t);
    int family = t->address.ss_family;
    t->socket = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (t->socket < 0) {
        cph_finish(t, CPH_OTHER, errno, "connect", NULL);
        return;
    }
    int on = 1;
    setsockopt(t->socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    t->connect_deadline = cph_now() + t->loop->connect_timeout;
    t->result.connect_ns = 0;
    if (cph_watch(t, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT | EPOLLRDHUP) != 0) {
        cph_finish(t, CPH_OTHER, errno, "connect", NULL);
        return;
    }
    t->watching_output = 1;
    t->state = CPH_CONNECTING;
    if (connect(t->socket, (struct sockaddr *)&t->address, t->address_length) == 0) {
        t->result.connect_ns = cph_now() - t->started;
        cph_send(t);
        return;
    }
    if (errno == EINPROGRESS) {
        cph_append(&t->loop->connecting, &t->attempt);
        return;
    }
    cph_finish(t, errno == ECONNREFUSED ? CPH_REFUSED : CPH_OTHER, errno, "connect", NULL);
}

// A reused connection that the server closed before answering (its keep-alive ran out) gets the
// request again on a new one, once, as curl and browsers do; anything else is the transfer's failure.
static int cph_retry(cph_transfer *t) {
    if (!t->reused || t->retried || t->received_any) return 0;
    t->retried = 1;
    cph_reset_answer(t);
    t->sent = 0;
    cph_connect(t);
    return 1;
}

static void cph_send(cph_transfer *t) {
    t->state = CPH_SENDING;
    while (t->sent < t->request_length) {
        ssize_t written = send(t->socket, t->request + t->sent, t->request_length - t->sent, MSG_NOSIGNAL);
        if (written > 0) {
            t->sent += (size_t)written;
            continue;
        }
        if (written < 0 && errno == EINTR) continue;
        if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            cph_watch_output(t, 1);
            return;
        }
        int error = written < 0 ? errno : 0;
        if (cph_retry(t)) return;
        cph_finish(t, CPH_OTHER, error, "send", NULL);
        return;
    }
    cph_watch_output(t, 0);
    t->state = CPH_HEADERS;
}

// MARK: - Parsing

static int cph_lower(int c) { return c >= 'A' && c <= 'Z' ? c | 0x20 : c; }

// Whether `name` (length `length`) is `lowercased` but for case.
static int cph_is(const unsigned char *name, size_t length, const char *lowercased) {
    size_t expected = strlen(lowercased);
    if (length != expected) return 0;
    for (size_t i = 0; i < length; i++)
        if (cph_lower(name[i]) != lowercased[i]) return 0;
    return 1;
}

// Whether the comma-separated `value` holds `token` (lowercase), as Connection's and
// Transfer-Encoding's values do; `last` asks for the last token only.
static int cph_has_token(const unsigned char *value, size_t length, const char *token, int last) {
    size_t start = 0, found = 0, any = 0;
    while (start <= length) {
        size_t end = start;
        while (end < length && value[end] != ',') end++;
        size_t a = start, b = end;
        while (a < b && (value[a] == ' ' || value[a] == '\t')) a++;
        while (b > a && (value[b - 1] == ' ' || value[b - 1] == '\t')) b--;
        if (b > a) {
            any = 1;
            found = cph_is(value + a, b - a, token);
            if (found && !last) return 1;
        }
        start = end + 1;
    }
    return any && found;
}

// Reads the status line and the headers in buffer[header_start, header_end): the status, and how
// the body is framed. NULL, or what is wrong.
static const char *cph_parse_head(cph_transfer *t) {
    const unsigned char *p = t->buffer + t->header_start;
    const unsigned char *end = t->buffer + t->header_end;
    // "HTTP/1.x SSS"
    if (end - p < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9' || p[8] != ' ')
        return "it does not start with an HTTP/1.x status line";
    t->http_minor = p[7] - '0';
    if (p[9] < '1' || p[9] > '9' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9')
        return "its status code is not three digits";
    if (end - p > 12 && p[12] != ' ' && p[12] != '\r' && p[12] != '\n') return "its status code is not three digits";
    int status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    const unsigned char *line = memchr(p, '\n', (size_t)(end - p));
    line = line ? line + 1 : end;
    const unsigned char *headers = line;

    int chunked = 0, has_length = 0, close_token = 0, keep_alive_token = 0;
    unsigned long long length = 0;
    while (line < end) {
        const unsigned char *eol = memchr(line, '\n', (size_t)(end - line));
        const unsigned char *next = eol ? eol + 1 : end;
        const unsigned char *stop = eol ? eol : end;
        if (stop > line && stop[-1] == '\r') stop--;
        if (stop == line) break;  // the empty line that ends the block
        const unsigned char *colon = memchr(line, ':', (size_t)(stop - line));
        // A folded continuation or a line without a colon names no header: passed over, as curl does.
        if (*line == ' ' || *line == '\t' || !colon) {
            line = next;
            continue;
        }
        size_t name_length = (size_t)(colon - line);
        const unsigned char *value = colon + 1;
        while (value < stop && (*value == ' ' || *value == '\t')) value++;
        const unsigned char *value_end = stop;
        while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t')) value_end--;
        size_t value_length = (size_t)(value_end - value);
        if (cph_is(line, name_length, "content-length")) {
            if (value_length == 0) return "its Content-Length is empty";
            unsigned long long parsed = 0;
            for (size_t i = 0; i < value_length; i++) {
                if (value[i] < '0' || value[i] > '9') return "its Content-Length is not a number";
                if (parsed > (1ULL << 60)) return "its Content-Length is too large";
                parsed = parsed * 10 + (unsigned long long)(value[i] - '0');
            }
            if (has_length && parsed != length) return "it has two different Content-Lengths";
            has_length = 1;
            length = parsed;
        } else if (cph_is(line, name_length, "transfer-encoding")) {
            chunked = cph_has_token(value, value_length, "chunked", 1);
            if (!chunked) return "its Transfer-Encoding is not chunked";
        } else if (cph_is(line, name_length, "connection")) {
            close_token |= cph_has_token(value, value_length, "close", 0);
            keep_alive_token |= cph_has_token(value, value_length, "keep-alive", 0);
        }
        line = next;
    }

    t->result.status = status;
    t->headers_from = (size_t)(headers - t->buffer);
    t->headers_length = (size_t)(end - headers);
    t->keep_alive = t->http_minor >= 1 ? !close_token : keep_alive_token && !close_token;
    if (t->head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
        t->framing = CPH_NO_BODY;
    } else if (chunked) {
        t->framing = CPH_CHUNKED;
        t->chunk_state = CPH_CHUNK_SIZE;
        t->remaining = 0;
        t->chunk_digits = 0;
        t->chunk_extension = 0;
    } else if (has_length) {
        t->framing = length == 0 ? CPH_NO_BODY : CPH_LENGTH;
        t->remaining = length;
    } else {
        t->framing = CPH_UNTIL_CLOSE;
        t->keep_alive = 0;
    }
    return NULL;
}

static void cph_keep_body(cph_transfer *t, const unsigned char *bytes, size_t count) {
    if (!t->keep_body || t->body_length >= CPH_BODY_LIMIT) return;
    if (count > CPH_BODY_LIMIT - t->body_length) count = CPH_BODY_LIMIT - t->body_length;
    if (t->body_length + count > t->body_capacity) {
        size_t capacity = t->body_capacity ? t->body_capacity : 1024;
        while (capacity < t->body_length + count) capacity *= 2;
        unsigned char *grown = realloc(t->body, capacity);
        if (!grown) return;  // out of memory: the body is cut short, as its judge will find
        t->body = grown;
        t->body_capacity = capacity;
    }
    memcpy(t->body + t->body_length, bytes, count);
    t->body_length += count;
}

static int cph_hex(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = cph_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Takes `count` body bytes; returns how many belonged to the body (the rest follow its end), or -1
// with `problem` set for a malformed chunk.
static long cph_take_body(cph_transfer *t, const unsigned char *bytes, size_t count, const char **problem) {
    size_t used = 0;
    switch (t->framing) {
    case CPH_NO_BODY: return 0;
    case CPH_UNTIL_CLOSE:
        cph_keep_body(t, bytes, count);
        return (long)count;
    case CPH_LENGTH: {
        size_t take = count < t->remaining ? count : (size_t)t->remaining;
        cph_keep_body(t, bytes, take);
        t->remaining -= take;
        return (long)take;
    }
    case CPH_CHUNKED: break;
    }
    while (used < count) {
        unsigned char c = bytes[used];
        switch (t->chunk_state) {
        case CPH_CHUNK_SIZE:
            used++;
            if (c == '\n') {
                if (!t->chunk_digits) {
                    *problem = "a chunk has no size";
                    return -1;
                }
                t->chunk_digits = 0;
                t->chunk_extension = 0;
                t->chunk_state = t->remaining == 0 ? CPH_CHUNK_TRAILER : CPH_CHUNK_DATA;
                t->trailer_line = 0;
            } else if (!t->chunk_extension && cph_hex(c) >= 0) {
                if (t->remaining > (1ULL << 56)) {
                    *problem = "a chunk's size is too large";
                    return -1;
                }
                t->remaining = t->remaining * 16 + (unsigned long long)cph_hex(c);
                t->chunk_digits++;
            } else if (c == ';' || c == ' ' || c == '\t' || c == '\r') {
                t->chunk_extension = 1;
            } else if (!t->chunk_extension) {
                *problem = "a chunk's size is not hexadecimal";
                return -1;
            }
            break;
        case CPH_CHUNK_DATA: {
            size_t take = count - used < t->remaining ? count - used : (size_t)t->remaining;
            cph_keep_body(t, bytes + used, take);
            used += take;
            t->remaining -= take;
            if (t->remaining == 0) t->chunk_state = CPH_CHUNK_DATA_END;
            break;
        }
        case CPH_CHUNK_DATA_END:
            used++;
            if (c == '\n') t->chunk_state = CPH_CHUNK_SIZE;
            else if (c != '\r') {
                *problem = "a chunk does not end where its size says";
                return -1;
            }
            break;
        case CPH_CHUNK_TRAILER:
            used++;
            if (c == '\n') {
                if (t->trailer_line == 0) {
                    t->framing = CPH_NO_BODY;  // the last chunk and its trailer: done
                    return (long)used;
                }
                t->trailer_line = 0;
            } else if (c != '\r') {
                t->trailer_line++;
            }
            break;
        }
    }
    return (long)used;
}

// Whether the body is complete.
static int cph_body_done(const cph_transfer *t) {
    return t->framing == CPH_NO_BODY || (t->framing == CPH_LENGTH && t->remaining == 0);
}

static void cph_complete(cph_transfer *t, int leftover) {
    t->result.headers = t->buffer + t->headers_from;
    t->result.headers_length = t->headers_length;
    t->result.body = t->body;
    t->result.body_length = t->body_length;
    // A connection with bytes beyond the answer (nothing was asked for them) is not trusted again.
    if (!t->keep_alive || leftover) cph_close(t);
    else t->reused = 1;
    cph_finish(t, CPH_OK, 0, NULL, NULL);
}

// Finds the end of the header block in the bytes read so far; parses it when found. Returns 1 when
// the answer is complete or failed, 0 when more is needed.
static int cph_read_head(cph_transfer *t) {
    for (;;) {
        size_t i = t->scanned > t->header_start + 3 ? t->scanned - 3 : t->header_start;
        size_t end = 0;
        for (; i < t->length; i++) {
            if (t->buffer[i] != '\n') continue;
            if (i + 1 < t->length && t->buffer[i + 1] == '\n') {
                end = i + 2;
                break;
            }
            if (i + 2 < t->length && t->buffer[i + 1] == '\r' && t->buffer[i + 2] == '\n') {
                end = i + 3;
                break;
            }
        }
        t->scanned = t->length;
        if (!end) {
            if (t->length - t->header_start > CPH_HEADER_LIMIT) {
                cph_finish(t, CPH_OTHER, 0, "parse the answer", "its header block is longer than 64 KiB");
                return 1;
            }
            return 0;
        }
        t->header_end = end;
        const char *problem = cph_parse_head(t);
        if (problem) {
            cph_finish(t, CPH_OTHER, 0, "parse the answer", problem);
            return 1;
        }
        int status = t->result.status;
        if (status >= 100 && status < 200 && status != 101) {
            // An interim answer (100 Continue, 103 Early Hints): the real one follows.
            t->header_start = end;
            t->scanned = end;
            continue;
        }
        t->state = CPH_BODY;
        const char *chunk_problem = NULL;
        long used = cph_take_body(t, t->buffer + end, t->length - end, &chunk_problem);
        if (used < 0) {
            cph_finish(t, CPH_OTHER, 0, "parse the answer", chunk_problem);
            return 1;
        }
        // The body's bytes are kept apart; the buffer holds the header block only.
        size_t leftover = t->length - end - (size_t)used;
        t->length = end;
        if (cph_body_done(t)) {
            cph_complete(t, leftover != 0);
            return 1;
        }
        return 0;
    }
}

static void cph_receive(cph_transfer *t) {
    for (;;) {
        if (t->capacity - t->length < CPH_READ_SIZE) {
            size_t capacity = t->capacity * 2;
            unsigned char *grown = realloc(t->buffer, capacity);
            if (!grown) {
                cph_finish(t, CPH_OTHER, ENOMEM, "receive", NULL);
                return;
            }
            t->buffer = grown;
            t->capacity = capacity;
        }
        ssize_t count = recv(t->socket, t->buffer + t->length, CPH_READ_SIZE, 0);
        if (count < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            int error = errno;
            if (cph_retry(t)) return;
            cph_finish(t, CPH_OTHER, error, "receive", NULL);
            return;
        }
        if (count == 0) {
            if (t->state == CPH_BODY && t->framing == CPH_UNTIL_CLOSE) {
                t->keep_alive = 0;
                cph_complete(t, 0);
                return;
            }
            if (cph_retry(t)) return;
            cph_finish(t, CPH_OTHER, 0, "receive",
                t->received_any ? "the server closed the connection before the answer was complete"
                                : "the server closed the connection without answering");
            return;
        }
        if (!t->received_any) {
            t->received_any = 1;
            t->result.first_byte_ns = cph_now() - t->started;
        }
        if (t->state == CPH_HEADERS) {
            t->length += (size_t)count;
            if (cph_read_head(t)) return;
        } else {
            const char *problem = NULL;
            long used = cph_take_body(t, t->buffer + t->length, (size_t)count, &problem);
            if (used < 0) {
                cph_finish(t, CPH_OTHER, 0, "parse the answer", problem);
                return;
            }
            if (cph_body_done(t)) {
                cph_complete(t, (size_t)used != (size_t)count);
                return;
            }
        }
        // A read that did not fill its room took all there was.
        if ((size_t)count < CPH_READ_SIZE) return;
    }
}

// MARK: - Events

static void cph_ready(cph_transfer *t, uint32_t events) {
    switch (t->state) {
    case CPH_IDLE: {
        // An idle connection had something to say: most often the server closed it. It is not
        // used again; the next request opens another.
        cph_close(t);
        return;
    }
    case CPH_CONNECTING: {
        int error = 0;
        socklen_t length = sizeof error;
        if (getsockopt(t->socket, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
        if (error) {
            cph_finish(t, error == ECONNREFUSED ? CPH_REFUSED : CPH_OTHER, error, "connect", NULL);
            return;
        }
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        cph_remove(&t->loop->connecting, &t->attempt);
        t->result.connect_ns = cph_now() - t->started;
        cph_send(t);
        return;
    }
    case CPH_SENDING:
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) cph_send(t);
        if (t->state != CPH_HEADERS || !(events & (EPOLLIN | EPOLLRDHUP))) return;
        cph_receive(t);
        return;
    case CPH_HEADERS:
    case CPH_BODY: cph_receive(t); return;
    }
}

// Times out, from the front of each list, the transfers whose deadline has passed (finishing one
// takes it off both lists).
static void cph_expire(cph_loop *loop, long long now) {
    cph_transfer *t;
    while ((t = CPH_FRONT(loop->connecting, attempt)) && t->connect_deadline <= now)
        cph_finish(t, CPH_TIMEOUT, ETIMEDOUT, "connect", NULL);
    while ((t = CPH_FRONT(loop->in_flight, flight)) && t->deadline <= now)
        cph_finish(t, CPH_TIMEOUT, ETIMEDOUT, t->state == CPH_CONNECTING ? "connect" : "receive", NULL);
}

// The first deadline of any transfer in flight, -1 when none is.
static long long cph_next_deadline(const cph_loop *loop) {
    cph_transfer *flying = CPH_FRONT(loop->in_flight, flight);
    cph_transfer *connecting = CPH_FRONT(loop->connecting, attempt);
    long long deadline = flying ? flying->deadline : -1;
    if (connecting && (deadline < 0 || connecting->connect_deadline < deadline)) deadline = connecting->connect_deadline;
    return deadline;
}

cph_loop *cph_loop_create(int wake, long long timeout_ns, long long connect_timeout_ns) {
    cph_loop *loop = calloc(1, sizeof *loop);
    if (!loop) return NULL;
    loop->wake = wake;
    loop->timeout = timeout_ns;
    loop->connect_timeout = connect_timeout_ns < timeout_ns ? connect_timeout_ns : timeout_ns;
    loop->epoll = epoll_create1(EPOLL_CLOEXEC);
    loop->slot_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    struct epoll_event slot = {.events = EPOLLIN, .data.ptr = &cph_slot_tag};
    struct epoll_event woken = {.events = EPOLLIN, .data.ptr = &cph_wake_tag};
    if (loop->epoll < 0 || loop->slot_timer < 0 || epoll_ctl(loop->epoll, EPOLL_CTL_ADD, loop->slot_timer, &slot) != 0
        || epoll_ctl(loop->epoll, EPOLL_CTL_ADD, wake, &woken) != 0) {
        int error = errno;
        if (loop->epoll >= 0) close(loop->epoll);
        if (loop->slot_timer >= 0) close(loop->slot_timer);
        free(loop);
        errno = error;
        return NULL;
    }
    return loop;
}

void cph_loop_destroy(cph_loop *loop) {
    close(loop->slot_timer);
    close(loop->epoll);
    free(loop);
}

int cph_loop_arm_slot(cph_loop *loop, long long nanoseconds) {
    struct itimerspec when = {{0, 0}, {nanoseconds / 1000000000LL, nanoseconds % 1000000000LL}};
    return timerfd_settime(loop->slot_timer, 0, &when, NULL);
}

cph_wait cph_loop_wait(cph_loop *loop, int block) {
    cph_wait seen = {0, 0};
    int timeout = 0;
    if (block) {
        long long deadline = cph_next_deadline(loop);
        if (deadline < 0) {
            timeout = -1;
        } else {
            long long left = deadline - cph_now();
            // Rounded up: woken before a deadline, the loop would only wait again.
            long long milliseconds = left <= 0 ? 0 : (left + 999999) / 1000000;
            timeout = milliseconds > 3600000 ? 3600000 : (int)milliseconds;
        }
    }
    int count = epoll_wait(loop->epoll, loop->ready, CPH_READY_BATCH, timeout);
    for (int index = 0; index < count; index++) {
        void *tag = loop->ready[index].data.ptr;
        uint64_t value;
        if (tag == &cph_slot_tag) {
            seen.slot_due = read(loop->slot_timer, &value, sizeof value) > 0 || seen.slot_due;
        } else if (tag == &cph_wake_tag) {
            seen.woken = read(loop->wake, &value, sizeof value) > 0 || seen.woken;
        } else {
            cph_ready(tag, loop->ready[index].events);
        }
    }
    if (loop->in_flight.first) cph_expire(loop, cph_now());
    return seen;
}

cph_transfer *cph_loop_next_finished(cph_loop *loop) {
    cph_transfer *t = loop->first_finished;
    if (!t) return NULL;
    loop->first_finished = t->next_finished;
    if (!loop->first_finished) loop->last_finished = NULL;
    t->next_finished = NULL;
    return t;
}

cph_transfer *cph_transfer_create(cph_loop *loop, const struct sockaddr *address, socklen_t address_length,
    const unsigned char *request, size_t request_length, int head, int keep_body, void *context) {
    if (address_length > sizeof(struct sockaddr_storage) || request_length == 0) {
        errno = EINVAL;
        return NULL;
    }
    cph_transfer *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->request = malloc(request_length);
    t->capacity = 2 * CPH_READ_SIZE;
    t->buffer = malloc(t->capacity);
    if (!t->request || !t->buffer) {
        free(t->request);
        free(t->buffer);
        free(t);
        errno = ENOMEM;
        return NULL;
    }
    memcpy(t->request, request, request_length);
    t->request_length = request_length;
    memcpy(&t->address, address, address_length);
    t->address_length = address_length;
    t->loop = loop;
    t->context = context;
    t->socket = -1;
    t->head = head;
    t->keep_body = keep_body;
    t->state = CPH_IDLE;
    return t;
}

void cph_transfer_destroy(cph_transfer *t) {
    cph_remove(&t->loop->connecting, &t->attempt);
    cph_remove(&t->loop->in_flight, &t->flight);
    cph_close(t);
    free(t->request);
    free(t->buffer);
    free(t->body);
    free(t);
}

int cph_transfer_start(cph_transfer *t) {
    if (t->flight.linked) return -1;
    // A finished transfer still waiting in the queue is taken out of it first by its owner.
    t->started = cph_now();
    t->deadline = t->started + t->loop->timeout;
    cph_append(&t->loop->in_flight, &t->flight);
    t->retried = 0;
    t->sent = 0;
    t->result.kind = CPH_OK;
    t->result.error = 0;
    t->result.step = NULL;
    t->result.problem = NULL;
    t->result.connect_ns = 0;
    t->result.first_byte_ns = 0;
    t->result.total_ns = 0;
    cph_reset_answer(t);
    if (t->socket < 0) cph_connect(t);
    else cph_send(t);
    return 0;
}

void *cph_transfer_context(const cph_transfer *t) { return t->context; }

const cph_result *cph_transfer_result(const cph_transfer *t) { return &t->result; }
