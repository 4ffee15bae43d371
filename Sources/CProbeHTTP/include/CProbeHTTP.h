#ifndef GAMEDAY_CPROBEHTTP_H
#define GAMEDAY_CPROBEHTTP_H

// The probe engine's own HTTP/1.1 client, for plain-HTTP probes to an address given as a number:
// non-blocking sockets on one epoll instance, one keep-alive connection per transfer, each request
// rendered once and written with one send(), each answer parsed as it arrives (status line, the
// header block, a body by Content-Length, chunked or until close). Nothing is allocated per probe.
// It exists because libcurl's per-transfer work (URL parsing, connection matching, its own
// liveness poll()s, dozens of clock reads) was a quarter of the engine's CPU per probe, and no
// library does less per request from one event loop: see bench/RESULTS.md. Anything it does not
// do (TLS, names to resolve, proxies, redirects) is libcurl's. Linux only; driven by one thread.

#include <stddef.h>
#include <sys/socket.h>

typedef struct cph_loop cph_loop;
typedef struct cph_transfer cph_transfer;

// How a transfer ended.
typedef enum cph_kind {
    CPH_OK = 0,
    // The connection was refused (ECONNREFUSED while connecting).
    CPH_REFUSED = 1,
    // The connect timeout or the transfer's timeout passed.
    CPH_TIMEOUT = 2,
    // Anything else: the error is `error` (an errno, or 0) during `step`.
    CPH_OTHER = 3,
} cph_kind;

// What the last transfer received, valid until the transfer is started again or destroyed.
typedef struct cph_result {
    cph_kind kind;
    int error;
    // The step that failed ("connect", "send", "receive", "parse the answer"), NULL for CPH_OK.
    const char *step;
    // Why the answer could not be read, for a failed parse; NULL otherwise.
    const char *problem;
    int status;
    // The final answer's header lines (after its status line), each ending in CRLF or LF.
    const unsigned char *headers;
    size_t headers_length;
    // The body, decoded from chunks; kept only when asked for (at most `CPH_BODY_LIMIT` bytes).
    const unsigned char *body;
    size_t body_length;
    // Nanoseconds from the start of the transfer: connected (0 on a reused connection), first byte
    // of the answer, end.
    long long connect_ns;
    long long first_byte_ns;
    long long total_ns;
} cph_result;

// The most of a body kept; the rest is read and dropped.
#define CPH_BODY_LIMIT (1 << 20)

// What one `cph_loop_wait` saw beside the sockets it acted on.
typedef struct cph_wait {
    // The slot timer expired (it is disarmed until armed again).
    int slot_due;
    // The wake descriptor was made readable since the last wait.
    int woken;
} cph_wait;

// A loop whose transfers time out `timeout_ns` after they start, and their connection attempts
// `connect_timeout_ns` after they begin; `wake` (an eventfd) is watched, not owned. NULL with errno.
cph_loop *cph_loop_create(int wake, long long timeout_ns, long long connect_timeout_ns);
// Frees the loop; every transfer must have been destroyed.
void cph_loop_destroy(cph_loop *loop);
// Arms the slot timer to expire once, `nanoseconds` (> 0) from now; 0, or -1 with errno.
int cph_loop_arm_slot(cph_loop *loop, long long nanoseconds);
// Waits (unless `block` is 0) until a socket is ready, a transfer's timeout passes, the slot timer
// expires or the loop is woken, and acts on what is ready; finished transfers are queued for
// `cph_loop_next_finished`.
cph_wait cph_loop_wait(cph_loop *loop, int block);
// The next finished transfer, or NULL.
cph_transfer *cph_loop_next_finished(cph_loop *loop);

// A transfer of `request` (the whole request, rendered) to `address`; `head` when the answer has no
// body (HEAD), `keep_body` when its body is read. `context` is the caller's. NULL with errno.
cph_transfer *cph_transfer_create(cph_loop *loop, const struct sockaddr *address, socklen_t address_length,
    const unsigned char *request, size_t request_length, int head, int keep_body, void *context);
// Closes its connection and frees it; it must not be in flight.
void cph_transfer_destroy(cph_transfer *transfer);
// Sends the request, on the transfer's open connection or a new one; 0, or -1 when it is already
// in flight. A failure to connect or send finishes the transfer (see its result).
int cph_transfer_start(cph_transfer *transfer);
void *cph_transfer_context(const cph_transfer *transfer);
const cph_result *cph_transfer_result(const cph_transfer *transfer);

#endif
