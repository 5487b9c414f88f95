package io.cloudprovisioner.api;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The threads that run blocking provider calls (provisioning RPCs, live discovery). A bounded pool with a bounded
 * queue, separate from Quarkus's worker pool: the cloud clients need free worker / event-loop threads to complete
 * their own I/O, so RPCs must never be able to take all of them (1,000 concurrent provisions on the worker pool
 * deadlocked it). Calls beyond the queue are refused with RESOURCE_EXHAUSTED instead of piling up; the gRPC event
 * loop (health, catalog RPCs) is never blocked.
 */
@Singleton
public class ProviderCallExecutor implements Executor {
    @Inject
    @ConfigProperty(name = "cloudprovisioner.provider-calls.threads", defaultValue = "32")
    int threads;

    @Inject
    @ConfigProperty(name = "cloudprovisioner.provider-calls.queue", defaultValue = "10000")
    int queue;

    private ThreadPoolExecutor pool;

    @PostConstruct
    void start() {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "provider-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public void execute(Runnable command) {
        try {
            pool.execute(command);
        } catch (RejectedExecutionException e) {
            throw ApiErrors.build(com.google.rpc.Code.RESOURCE_EXHAUSTED, "too many provider calls in flight ("
                    + threads + " running, " + queue + " queued); retry later", "SERVICE_BUSY",
                    java.util.Map.of("threads", Integer.toString(threads), "queue", Integer.toString(queue)),
                    com.google.protobuf.Any.pack(com.google.rpc.RetryInfo.newBuilder()
                            .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(1)).build()));
        }
    }
}
