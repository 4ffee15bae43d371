#ifndef GAMEDAY_CCURL_H
#define GAMEDAY_CCURL_H

// A small shim over libcurl: curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are
// variadic, which Swift cannot call, so each option type gets a typed wrapper.

#include <curl/curl.h>

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_setopt_write_function(CURL *handle,
    size_t (*callback)(char *data, size_t size, size_t count, void *context));
CURLcode ccurl_setopt_header_function(CURL *handle,
    size_t (*callback)(char *data, size_t size, size_t count, void *context));

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode ccurl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
// CURLINFO_PRIVATE: the pointer set with CURLOPT_PRIVATE.
CURLcode ccurl_getinfo_private(CURL *handle, void **value);

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

// A flag another thread raises to abandon a transfer in progress (the run was interrupted):
// curl's progress callback, called at least once a second even while it waits, reads it and
// aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
typedef struct ccurl_abort_flag ccurl_abort_flag;
ccurl_abort_flag *ccurl_abort_flag_create(void);
void ccurl_abort_flag_raise(ccurl_abort_flag *flag);
void ccurl_abort_flag_destroy(ccurl_abort_flag *flag);
CURLcode ccurl_setopt_abort_flag(CURL *handle, ccurl_abort_flag *flag);

// What the probe engine's thread needs beside curl and Swift's Glibc module leaves out
// (sys/timerfd.h, and pthread_setname_np behind _GNU_SOURCE). Linux only.
#ifdef __linux__
// A CLOCK_MONOTONIC timerfd, non-blocking and close-on-exec; -1 with errno on failure.
int ccurl_timer_create(void);
// Arms the timer to expire once, `nanoseconds` (> 0) from now; 0, or -1 with errno.
int ccurl_timer_arm(int timer, long long nanoseconds);
// Names the calling thread (15 bytes at most), as /proc/PID/task/TID/comm shows it.
int ccurl_name_thread(const char *name);
// Sets the calling thread's nice value (Linux schedules threads one by one); 0, or -1 with errno
// (EACCES without CAP_SYS_NICE for a value below the current one).
int ccurl_set_thread_nice(int nice);

// An eventfd, non-blocking and close-on-exec, that wakes a waiting probe engine; -1 with errno.
int ccurl_wake_create(void);
// Makes `wake` readable (from any thread); a no-op on a closed descriptor.
void ccurl_wake(int wake);

// The probe engine's event loop over libcurl's socket interface: one epoll instance watches the
// sockets curl asks for (CURLMOPT_SOCKETFUNCTION), the engine's slot timer and its wake-up
// eventfd; curl's own timeout (CURLMOPT_TIMERFUNCTION, whole milliseconds) bounds each wait.
// Only readiness is handled here; which probe is due and what an answer means is the engine's.
// Driven by one thread.
typedef struct ccurl_events ccurl_events;

// What one `ccurl_events_wait` saw, beside the sockets it handed to curl.
typedef struct ccurl_wait {
    // The slot timer expired (it is disarmed until armed again).
    int slot_due;
    // `ccurl_wake` was called on the wake descriptor since the last wait.
    int woken;
} ccurl_wait;

// Installs the callbacks on `multi` and creates the epoll instance and the slot timer; `wake` (from
// ccurl_wake_create) is watched, not owned. NULL with errno on failure. Free it with
// ccurl_events_destroy after curl_multi_cleanup, which still reports sockets it closes.
ccurl_events *ccurl_events_create(CURLM *multi, int wake);
void ccurl_events_destroy(ccurl_events *events);
// Has `handle` open its sockets through `events` (CURLOPT_OPENSOCKETFUNCTION), which keeps sockets
// curl no longer watches in the epoll set until they are closed: every easy handle added to the
// multi handle must be adopted.
CURLcode ccurl_events_adopt(ccurl_events *events, CURL *handle);
// Arms the slot timer to expire once, `nanoseconds` (> 0) from now; 0, or -1 with errno.
int ccurl_events_arm_slot(ccurl_events *events, long long nanoseconds);
// Waits (unless `block` is 0, or curl has work due already) until a socket curl watches is ready,
// curl's timeout expires, the slot timer expires or the engine is woken; then lets curl act on the
// ready sockets and on its timeout (curl_multi_socket_action). Finished transfers are left for
// curl_multi_info_read.
ccurl_wait ccurl_events_wait(ccurl_events *events, int block);
// Lets curl act at once on a timeout that is due now: curl asks for one when a handle is added, so
// this sends the requests of the transfers just added.
void ccurl_events_flush(ccurl_events *events);
#endif

#endif
