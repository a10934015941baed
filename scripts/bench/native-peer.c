/*
 * A native peer for scripts/bench-executor: what compiled C reaches on this machine for the two numbers the executor's
 * floors rest on, so the JVM kernels' own measurements can be read against something we did not write in Java.
 *
 *   native-peer [MEGABYTES]   (default 730: the temporal step's float32 weights)
 *
 * Every core streams its share of MEGABYTES of float32 rows, best of five passes:
 *   - a pure read: four streams per core (its share in quarters, read side by side, as the linear loop reads four
 *     rows; one stream alone leaves bandwidth unused), eight independent sums in each;
 *   - the one-row linear layer's loop, s[j] = s[j] + a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j] over four rows at a
 *     time, with rows of 512 and of 2048 floats (the executor's panel widths for 1024- and 4096-output layers on two
 *     cores). Compiled with -O3 and the machine's own vector width where the compiler allows it.
 * Output: one line per measurement, "name GB/s".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const float *rows;
    long count;      /* floats in this thread's share */
    int width;       /* 0: pure read */
    double sink;
} share_t;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *stream(void *arg) {
    share_t *s = arg;
    if (s->width == 0) {
        long quarter = s->count / 4 - s->count / 4 % 8;
        const float *q0 = s->rows, *q1 = q0 + quarter, *q2 = q1 + quarter, *q3 = q2 + quarter;
        float acc[32] = {0};
        for (long i = 0; i < quarter; i += 8) {
            for (int k = 0; k < 8; k++) {
                acc[k] += q0[i + k];
                acc[8 + k] += q1[i + k];
                acc[16 + k] += q2[i + k];
                acc[24 + k] += q3[i + k];
            }
        }
        double total = 0;
        for (int k = 0; k < 32; k++) total += acc[k];
        s->sink = total;
        return NULL;
    }
    int w = s->width;
    float *sum = calloc(w, sizeof(float));
    long groups = s->count / (4L * w);
    for (long g = 0; g < groups; g++) {
        const float *b0 = s->rows + g * 4L * w, *b1 = b0 + w, *b2 = b1 + w, *b3 = b2 + w;
        for (int j = 0; j < w; j++) sum[j] = sum[j] + 0.25f * b0[j] + 0.5f * b1[j] + 0.75f * b2[j] + 1.0f * b3[j];
    }
    s->sink = sum[0];
    free(sum);
    return NULL;
}

/* Best bytes per second over five passes of every thread streaming its share. */
static double measure(const float *rows, long floats, int threads, int width) {
    pthread_t *ids = calloc(threads, sizeof(pthread_t));
    share_t *shares = calloc(threads, sizeof(share_t));
    long per = floats / threads;
    long bytes = 0;
    for (int t = 0; t < threads; t++) {
        long usable = width == 0 ? per - per % 32 : per - per % (4L * width);
        shares[t] = (share_t){rows + t * per, usable, width, 0};
        bytes += usable * (long) sizeof(float);
    }
    double best = 0;
    for (int pass = 0; pass < 5; pass++) {
        double t0 = now();
        for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, stream, &shares[t]);
        for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
        double rate = bytes / (now() - t0);
        if (rate > best) best = rate;
    }
    double sink = 0;
    for (int t = 0; t < threads; t++) sink += shares[t].sink;
    if (sink == 42.0) printf(" ");   /* keeps the sums live */
    free(ids);
    free(shares);
    return best;
}

int main(int argc, char **argv) {
    long megabytes = argc > 1 ? atol(argv[1]) : 730;
    int threads = (int) sysconf(_SC_NPROCESSORS_ONLN);
    long floats = megabytes * 1000 * 1000 / (long) sizeof(float);
    float *rows = malloc(floats * sizeof(float));
    if (rows == NULL || threads < 1) {
        fprintf(stderr, "native-peer: cannot allocate %ld MB\n", megabytes);
        return 1;
    }
    for (long i = 0; i < floats; i++) rows[i] = (float) (i % 7) * 0.125f;
    printf("threads %d, %ld MB of float32 rows\n", threads, megabytes);
    printf("pure-read %.1f GB/s\n", measure(rows, floats, threads, 0) / 1e9);
    printf("four-rows-512 %.1f GB/s\n", measure(rows, floats, threads, 512) / 1e9);
    printf("four-rows-2048 %.1f GB/s\n", measure(rows, floats, threads, 2048) / 1e9);
    free(rows);
    return 0;
}
