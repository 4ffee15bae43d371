#ifndef GAMEDAY_CNETFILTERQUEUE_SHIM_H
#define GAMEDAY_CNETFILTERQUEUE_SHIM_H

// libnetfilter_queue (netfilter.org, Debian's libnetfilter-queue-dev): binds an NFQUEUE queue,
// reads the packets queued to it and gives their verdicts. The delayer needs only packet ids,
// so the callback below collects them into a batch; everything else happens in Swift.

#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

/// The packet ids read by one `nfq_handle_packet` round, in arrival order.
typedef struct {
    uint32_t *ids;
    int count;
    int capacity;
    /// Packets that did not fit: accepted at once, undelayed, and counted.
    uint64_t overflowed;
} gd_nfq_batch;

static int gd_nfq_collect(struct nfq_q_handle *queue, struct nfgenmsg *message, struct nfq_data *data, void *context) {
    (void)message;
    gd_nfq_batch *batch = (gd_nfq_batch *)context;
    struct nfqnl_msg_packet_hdr *header = nfq_get_msg_packet_hdr(data);
    if (header == NULL) return 0;
    uint32_t id = ntohl(header->packet_id);
    if (batch->count < batch->capacity) {
        batch->ids[batch->count++] = id;
    } else {
        batch->overflowed += 1;
        nfq_set_verdict(queue, id, NF_ACCEPT, 0, NULL);
    }
    return 0;
}

/// Binds queue `number` with the collecting callback; NULL when it is taken or cannot be bound.
static inline struct nfq_q_handle *gd_nfq_create_queue(struct nfq_handle *handle, uint16_t number, gd_nfq_batch *batch) {
    return nfq_create_queue(handle, number, gd_nfq_collect, batch);
}

static inline int gd_nfq_accept(struct nfq_q_handle *queue, uint32_t id) {
    return nfq_set_verdict(queue, id, NF_ACCEPT, 0, NULL);
}

static inline int gd_nfq_drop(struct nfq_q_handle *queue, uint32_t id) {
    return nfq_set_verdict(queue, id, NF_DROP, 0, NULL);
}

#endif
