#ifdef __linux__
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#endif

#include <stdlib.h>

#include "CCurl.h"

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_write_function(CURL *handle,
    size_t (*callback)(char *data, size_t size, size_t count, void *context)) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

CURLcode ccurl_setopt_header_function(CURL *handle,
    size_t (*callback)(char *data, size_t size, size_t count, void *context)) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode ccurl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode ccurl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode ccurl_getinfo_private(CURL *handle, void **value) {
    char *pointer = NULL;
    CURLcode code = curl_easy_getinfo(handle, CURLINFO_PRIVATE, &pointer);
    *value = pointer;
    return code;
}

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

struct ccurl_abort_flag {
    int raised;
};

ccurl_abort_flag *ccurl_abort_flag_create(void) {
    return calloc(1, sizeof(ccurl_abort_flag));
}

void ccurl_abort_flag_raise(ccurl_abort_flag *flag) {
    __atomic_store_n(&flag->raised, 1, __ATOMIC_RELEASE);
}

void ccurl_abort_flag_destroy(ccurl_abort_flag *flag) {
    free(flag);
}

static int ccurl_abort_if_raised(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow) {
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    return __atomic_load_n(&((ccurl_abort_flag *)context)->raised, __ATOMIC_ACQUIRE);
}

CURLcode ccurl_setopt_abort_flag(CURL *handle, ccurl_abort_flag *flag) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, ccurl_abort_if_raised);
    if (code != CURLE_OK) return code;
    code = curl_easy_setopt(handle, CURLOPT_XFERINFODATA, flag);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
}

#ifdef __linux__
int ccurl_timer_create(void) {
    return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
}

int ccurl_timer_arm(int timer, long long nanoseconds) {
    struct itimerspec value = {0};
    value.it_value.tv_sec = nanoseconds / 1000000000LL;
    value.it_value.tv_nsec = nanoseconds % 1000000000LL;
    return timerfd_settime(timer, 0, &value, NULL);
}

int ccurl_name_thread(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

int ccurl_set_thread_nice(int nice) {
    return setpriority(PRIO_PROCESS, (id_t)gettid(), nice);
}

int ccurl_wake_create(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void ccurl_wake(int wake) {
    uint64_t one = 1;
    // Fails only when the counter is about to overflow: the engine is woken anyway.
    ssize_t written = write(wake, &one, sizeof one);
    (void)written;
}

// MARK: - The probe engine's event loop

enum { CCURL_READY_BATCH = 256 };
static const long long ccurl_no_deadline = -1;

// What the epoll set holds for a descriptor, and whether curl watches it.
enum { CCURL_IN = 1, CCURL_OUT = 2, CCURL_REGISTERED = 4, CCURL_WANTED = 8 };

struct ccurl_events {
    CURLM *multi;
    int epoll;
    int slot_timer;
    int wake;
    // When curl's timeout expires, in CLOCK_MONOTONIC nanoseconds; ccurl_no_deadline when it set none.
    long long curl_deadline;
    // Raised by the timer callback, so that acting on a timeout can tell whether curl set the next one.
    int timer_set;
    // CCURL_* bits by descriptor number, for the sockets curl opened.
    unsigned char *sockets;
    int socket_count;
    struct epoll_event ready[CCURL_READY_BATCH];
};

static long long ccurl_monotonic(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void ccurl_set_deadline(ccurl_events *events, long timeout_ms) {
    events->curl_deadline = timeout_ms < 0 ? ccurl_no_deadline : ccurl_monotonic() + timeout_ms * 1000000LL;
}

static int ccurl_on_timer(CURLM *multi, long timeout_ms, void *context) {
    (void)multi;
    ccurl_events *events = context;
    ccurl_set_deadline(events, timeout_ms);
    events->timer_set = 1;
    return 0;
}

// The state of `socket`, or NULL when the table cannot grow to hold it.
static unsigned char *ccurl_socket_state(ccurl_events *events, curl_socket_t socket) {
    if (socket < 0) return NULL;
    if (socket >= events->socket_count) {
        int count = events->socket_count ? events->socket_count : 256;
        while (count <= socket) count *= 2;
        unsigned char *grown = realloc(events->sockets, (size_t)count);
        if (!grown) return NULL;
        memset(grown + events->socket_count, 0, (size_t)(count - events->socket_count));
        events->sockets = grown;
        events->socket_count = count;
    }
    return &events->sockets[socket];
}

// Every socket curl opens for the engine comes through here (CURLOPT_OPENSOCKETFUNCTION): a new
// socket may reuse the number of one closed since, whose entry in the set went with it.
static curl_socket_t ccurl_open_socket(void *context, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)purpose;
    ccurl_events *events = context;
    curl_socket_t socket_ = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    unsigned char *state = ccurl_socket_state(events, socket_);
    if (state) *state = 0;
    return socket_;
}

// curl reports when a transfer wants to read or write a socket, and when no transfer watches it
// any more (CURL_POLL_REMOVE: the connection went back to the cache, or is closed). A socket curl
// stops watching stays in the set, so that the next transfer on its connection (most often
// waiting to read, as the last one was) costs no epoll_ctl; it leaves the set when it reports an
// event nobody waits for, or when it is closed.
static int ccurl_on_socket(CURL *easy, curl_socket_t socket, int what, void *context, void *socket_context) {
    (void)easy;
    (void)socket_context;
    ccurl_events *events = context;
    unsigned char *state = ccurl_socket_state(events, socket);
    if (what == CURL_POLL_REMOVE) {
        if (state) *state &= (unsigned char)~CCURL_WANTED;
        return 0;
    }
    unsigned char wanted = ((what & CURL_POLL_IN) ? CCURL_IN : 0) | ((what & CURL_POLL_OUT) ? CCURL_OUT : 0);
    if (state && (*state & CCURL_REGISTERED) && (*state & (CCURL_IN | CCURL_OUT)) == wanted) {
        *state |= CCURL_WANTED;
        return 0;
    }
    struct epoll_event event = {0};
    event.events = ((wanted & CCURL_IN) ? EPOLLIN : 0) | ((wanted & CCURL_OUT) ? EPOLLOUT : 0);
    event.data.fd = socket;
    int operation = (state && (*state & CCURL_REGISTERED)) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(events->epoll, operation, socket, &event) != 0) {
        // The set and the table disagree (a socket that did not come through ccurl_open_socket):
        // the other operation applies.
        operation = errno == EEXIST ? EPOLL_CTL_MOD : errno == ENOENT ? EPOLL_CTL_ADD : -1;
        // Otherwise the kernel is out of memory or of watches: the transfer then fails at its
        // timeout, rather than every transfer of the multi handle at once, as returning -1 would.
        if (operation < 0 || epoll_ctl(events->epoll, operation, socket, &event) != 0) {
            if (state) *state = 0;
            return 0;
        }
    }
    if (state) *state = CCURL_REGISTERED | CCURL_WANTED | wanted;
    return 0;
}

static void ccurl_act_on_timeout(ccurl_events *events) {
    int running = 0;
    events->timer_set = 0;
    curl_multi_socket_action(events->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    if (!events->timer_set) {
        // curl calls the timer callback only when its next timeout changes; one it kept (not yet
        // expired by its own clock) would otherwise be lost.
        long timeout_ms = -1;
        curl_multi_timeout(events->multi, &timeout_ms);
        ccurl_set_deadline(events, timeout_ms);
    }
}

static int ccurl_curl_due(const ccurl_events *events) {
    return events->curl_deadline != ccurl_no_deadline && events->curl_deadline <= ccurl_monotonic();
}

ccurl_events *ccurl_events_create(CURLM *multi, int wake) {
    ccurl_events *events = calloc(1, sizeof *events);
    if (!events) return NULL;
    events->multi = multi;
    events->wake = wake;
    events->curl_deadline = ccurl_no_deadline;
    events->epoll = epoll_create1(EPOLL_CLOEXEC);
    events->slot_timer = ccurl_timer_create();
    struct epoll_event timer = {.events = EPOLLIN, .data.fd = events->slot_timer};
    struct epoll_event woken = {.events = EPOLLIN, .data.fd = wake};
    if (events->epoll < 0 || events->slot_timer < 0
        || epoll_ctl(events->epoll, EPOLL_CTL_ADD, events->slot_timer, &timer) != 0
        || epoll_ctl(events->epoll, EPOLL_CTL_ADD, wake, &woken) != 0) {
        int error = errno;
        ccurl_events_destroy(events);
        errno = error;
        return NULL;
    }
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, ccurl_on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, events);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, ccurl_on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, events);
    return events;
}

void ccurl_events_destroy(ccurl_events *events) {
    if (events->epoll >= 0) close(events->epoll);
    if (events->slot_timer >= 0) close(events->slot_timer);
    free(events->sockets);
    free(events);
}

CURLcode ccurl_events_adopt(ccurl_events *events, CURL *handle) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, ccurl_open_socket);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, events);
}

int ccurl_events_arm_slot(ccurl_events *events, long long nanoseconds) {
    return ccurl_timer_arm(events->slot_timer, nanoseconds);
}

ccurl_wait ccurl_events_wait(ccurl_events *events, int block) {
    ccurl_wait seen = {0, 0};
    int timeout = 0;
    if (block && events->curl_deadline == ccurl_no_deadline) {
        timeout = -1;
    } else if (block) {
        long long left = events->curl_deadline - ccurl_monotonic();
        // Rounded up: woken before curl's timeout has expired by its clock, curl would do nothing.
        long long milliseconds = left <= 0 ? 0 : (left + 999999) / 1000000;
        timeout = milliseconds > 3600000 ? 3600000 : (int)milliseconds;
    }
    int count = epoll_wait(events->epoll, events->ready, CCURL_READY_BATCH, timeout);
    for (int index = 0; index < count; index++) {
        int descriptor = events->ready[index].data.fd;
        uint32_t flags = events->ready[index].events;
        uint64_t value;
        if (descriptor == events->slot_timer) {
            seen.slot_due = read(descriptor, &value, sizeof value) > 0 || seen.slot_due;
            continue;
        }
        if (descriptor == events->wake) {
            seen.woken = read(descriptor, &value, sizeof value) > 0 || seen.woken;
            continue;
        }
        unsigned char *state = ccurl_socket_state(events, descriptor);
        if (state && !(*state & CCURL_WANTED)) {
            // An idle connection in curl's cache had something to say (most often: the server closed
            // it); curl finds out when it next picks the connection.
            epoll_ctl(events->epoll, EPOLL_CTL_DEL, descriptor, NULL);
            *state = 0;
            continue;
        }
        int what = ((flags & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) ? CURL_CSELECT_IN : 0)
            | ((flags & EPOLLOUT) ? CURL_CSELECT_OUT : 0) | ((flags & EPOLLERR) ? CURL_CSELECT_ERR : 0);
        int running = 0;
        curl_multi_socket_action(events->multi, descriptor, what, &running);
    }
    if (ccurl_curl_due(events)) ccurl_act_on_timeout(events);
    return seen;
}

void ccurl_events_flush(ccurl_events *events) {
    if (ccurl_curl_due(events)) ccurl_act_on_timeout(events);
}
#endif
