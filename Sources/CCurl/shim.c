#ifdef __linux__
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/timerfd.h>
#include <time.h>
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
#endif
