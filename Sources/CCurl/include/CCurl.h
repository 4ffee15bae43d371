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
#endif

#endif
