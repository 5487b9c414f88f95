package io.cloudprovisioner.ledger;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderAdapter;
import io.cloudprovisioner.provider.ProviderAdapters;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProviderRegistry;
import io.cloudprovisioner.provider.Terminations;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Brings the ledger and the clouds back in agreement. Three jobs, per configured provider:
 * <ol>
 * <li>recovery: records left CREATING / TERMINATING by a gone owner (a crash) are completed: the instance is
 * looked up by its request-id label (found: RUNNING; none: FAILED, retryable); a TERMINATING record (a crash, or a
 * delete the cloud had not confirmed yet) is checked with the cloud and becomes TERMINATED once it confirms,
 * the delete being asked for again while the instance is still there;</li>
 * <li>vanished: RUNNING records whose instance the cloud no longer has are marked VANISHED;</li>
 * <li>orphans: instances labelled managed-by this service without a live record (none, or a final one) and older
 * than the grace period are reported, and terminated when asked.</li>
 * </ol>
 * Runs at start (recovery of this node's own unfinished work), on a schedule, and through the Reconcile RPC.
 * Only one node runs it at a time: a lease in the ledger.
 */
@Singleton
public class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    static final String LEASE = "reconcile";
    /** States of an instance the cloud did create (an instance in a failed or unknown state is not adopted). */
    static final Set<InstanceStatus> CREATED = EnumSet.of(InstanceStatus.STARTING, InstanceStatus.RUNNING,
            InstanceStatus.STOPPING, InstanceStatus.STOPPED);

    @Inject
    Ledger ledger;
    @Inject
    LedgerNode node;
    @Inject
    LedgerMetrics metrics;
    @Inject
    ProviderAdapters adapters;
    @Inject
    ProviderRegistry providers;
    @ConfigProperty(name = "cloudprovisioner.reconcile.grace", defaultValue = "15m")
    Duration grace;
    @ConfigProperty(name = "cloudprovisioner.reconcile.terminate-orphans", defaultValue = "false")
    boolean terminateOrphans;
    @ConfigProperty(name = "cloudprovisioner.reconcile.lease", defaultValue = "2m")
    Duration leaseTtl;

    /** What a run found and did. */
    public enum Kind {
        /** An unfinished record whose instance was found: completed as RUNNING. */
        RECOVERED,
        /** An unfinished record with no instance in the cloud: marked FAILED (retryable). */
        RECOVERED_FAILED,
        /** An unfinished or unconfirmed termination the cloud now confirms: TERMINATED. */
        RECOVERED_TERMINATED,
        /** A RUNNING record whose instance is gone: VANISHED. */
        VANISHED,
        /** A managed instance without a live record, older than the grace period. */
        ORPHAN,
        /** An orphan that was terminated. */
        ORPHAN_TERMINATED,
        /** A managed instance without a live record, younger than the grace period: left alone for now. */
        ORPHAN_IN_GRACE
    }

    public record Finding(Kind kind, Provider provider, String region, String instanceId, String clientRequestId,
            String detail, boolean applied) {
    }

    /** A provider and region an attempt went to. */
    private record Place(Provider provider, String region) {
    }

    public record Options(Set<Provider> providers, boolean dryRun, boolean terminateOrphans, Duration grace) {
    }

    /**
     * @param ran false when another node holds the lease ({@code leaseHolder})
     * @param providerErrors providers that could not be checked, with the classified error
     */
    public record Report(boolean ran, String leaseHolder, List<Finding> findings, int instancesSeen,
            int recordsChecked, Map<Provider, String> providerErrors) {
    }

    public Options defaults(Set<Provider> only) {
        return new Options(only, false, terminateOrphans, grace);
    }

    void onStart(@Observes @Priority(30) StartupEvent e) {
        // This node's own unfinished work from before a restart is recovered at once, in the background.
        Thread t = new Thread(() -> {
            try {
                List<Finding> f = recoverInProgress(EnumSet.allOf(Provider.class), false, true);
                if (!f.isEmpty()) {
                    LOG.infof("ledger: recovered %d record(s) left unfinished by an earlier run", f.size());
                }
            } catch (RuntimeException ex) {
                LOG.warnf("ledger: recovery at start failed (the scheduled reconcile will retry): %s",
                        ex.getMessage());
            }
        }, "ledger-recovery");
        t.setDaemon(true);
        t.start();
    }

    @Scheduled(every = "${cloudprovisioner.reconcile.every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        Report r = reconcile(defaults(EnumSet.allOf(Provider.class)));
        if (r.ran() && !r.findings().isEmpty()) {
            LOG.infof("reconcile: %d finding(s): %s", r.findings().size(), r.findings().stream()
                    .map(f -> f.kind() + " " + f.provider().id() + "/" + f.instanceId()).toList());
        }
        r.providerErrors().forEach((p, err) -> LOG.warnf("reconcile: %s not checked: %s", p.id(), err));
    }

    /** One reconcile run under the lease. */
    public Report reconcile(Options o) {
        Report r = reconcileUnderLease(o);
        metrics.reconcileRun(r.ran());
        if (!o.dryRun()) {
            r.findings().forEach(metrics::finding);
        }
        r.providerErrors().keySet().forEach(metrics::providerError);
        if (r.ran()) {
            for (Provider p : o.providers()) {
                if (adapters.adapter(p).isPresent() && providers.configured(p) && !r.providerErrors().containsKey(p)) {
                    metrics.lastOrphans(p, r.findings().stream().filter(f -> f.provider() == p
                            && (f.kind() == Kind.ORPHAN || f.kind() == Kind.ORPHAN_TERMINATED)).count());
                }
            }
        }
        return r;
    }

    private Report reconcileUnderLease(Options o) {
        String holder = ledger.tryLease(LEASE, node.id(), leaseTtl);
        if (!node.id().equals(holder)) {
            return new Report(false, holder, List.of(), 0, 0, Map.of());
        }
        try {
            List<Finding> findings = new ArrayList<>(recoverInProgress(o.providers(), o.dryRun(), false));
            Map<Provider, String> errors = new LinkedHashMap<>();
            int seen = 0;
            int checked = 0;
            for (Provider p : o.providers()) {
                ProviderAdapter a = adapters.adapter(p).orElse(null);
                if (a == null || !providers.configured(p)) {
                    continue;
                }
                try {
                    Map<String, Instance> live = listAll(a, p);
                    seen += live.size();
                    List<LedgerRecord> running = ledger.running(p);
                    checked += running.size();
                    findings.addAll(vanished(a, running, live, o.dryRun()));
                    findings.addAll(orphans(a, live.values(), o));
                } catch (ProviderException ex) {
                    errors.put(p, ex.errorClass() + ": " + ex.getMessage());
                } catch (RuntimeException ex) {
                    // An answer this service could not digest: that provider is not checked, the others still are.
                    LOG.warnf(ex, "reconcile: %s failed unexpectedly", p.id());
                    errors.put(p, "INTERNAL: " + ex.getClass().getSimpleName());
                }
            }
            return new Report(true, holder, findings, seen, checked, errors);
        } finally {
            ledger.releaseLease(LEASE, node.id());
        }
    }

    /**
     * Every managed instance of the provider (by id): one listing of all its regions, plus, for an adapter whose
     * listing of all regions covers only its configured ones ({@link ProviderAdapter#listsEveryRegion()} false), each
     * other region the ledger used.
     */
    public Map<String, Instance> liveInstances(Provider p) {
        return listAll(adapters.adapter(p).orElseThrow(), p);
    }

    /**
     * Looks for the instance a record's attempts may have created (by its request-id label, in every place an
     * attempt went): the answer to "did the cloud create it after all?" after a crash or a timeout.
     */
    public java.util.Optional<Instance> lookUp(LedgerRecord r) {
        Set<Place> places = new LinkedHashSet<>();
        for (Attempt at : ledger.attempts(r.requestKey())) {
            if (!"SKIPPED".equals(at.errorClass())) {
                places.add(new Place(at.provider(), at.region()));
            }
        }
        for (Place place : places) {
            Provider p = place.provider();
            String region = place.region();
            ProviderAdapter a = adapters.adapter(p).orElse(null);
            if (a == null || !providers.configured(p)) {
                // Not knowing is not "none": leave the record for when the provider can be asked again.
                throw new ProviderException(p, ErrorClass.AUTH, io.cloudprovisioner.provider.ErrorScope.PROVIDER, "",
                        "not configured: cannot look up the instance of request " + r.clientRequestId());
            }
            for (Instance i : a.listManaged(region)) {
                if (r.requestKey().equals(i.labels().get(ManagedLabels.REQUEST_ID)) && CREATED.contains(i.status())) {
                    return java.util.Optional.of(i);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Resolves one record left CREATING by a gone owner, now: claims it, looks the instance up and completes the
     * record (RUNNING, or FAILED when the cloud has none). False when another node or call holds it.
     */
    public boolean recover(LedgerRecord r) {
        if (node.track(r.requestKey()) == null) {
            return false;
        }
        try {
            if (!ledger.claim(r, node.id())) {
                return false;
            }
            recoverCreate(r);
            return true;
        } finally {
            node.release(r.requestKey());
        }
    }

    private Map<String, Instance> listAll(ProviderAdapter a, Provider p) {
        Map<String, Instance> live = new LinkedHashMap<>();
        for (Instance i : a.listManaged("")) {
            live.put(i.id(), i);
        }
        if (a.listsEveryRegion()) {
            return live;
        }
        Set<String> covered = new LinkedHashSet<>();
        live.values().forEach(i -> covered.add(i.region()));
        for (String region : ledger.regions(p)) {
            if (!covered.contains(region)) {
                for (Instance i : a.listManaged(region)) {
                    live.put(i.id(), i);
                }
            }
        }
        return live;
    }

    /**
     * Completes records whose owner is gone.
     *
     * @param ownOnly only this node's own records (at start: no other node's heartbeat needs to age)
     */
    public List<Finding> recoverInProgress(Set<Provider> only, boolean dryRun, boolean ownOnly) {
        List<Finding> out = new ArrayList<>();
        for (LedgerRecord r : ledger.inProgress()) {
            if (r.provider() != null && !only.contains(r.provider())) {
                continue;
            }
            if ((ownOnly && !node.id().equals(r.owner())) || !node.ownerGone(r)) {
                continue;
            }
            if (dryRun) {
                out.add(new Finding(r.state() == RecordState.CREATING ? Kind.RECOVERED : Kind.RECOVERED_TERMINATED,
                        r.provider(), r.region(), r.instanceId(), r.clientRequestId(),
                        r.owner() == null ? r.state() + ", waiting for the cloud to confirm; would be checked"
                                : "left " + r.state() + " by " + r.owner() + "; would be completed", false));
                continue;
            }
            if (node.track(r.requestKey()) == null) {
                continue;
            }
            try {
                // the claim is a compare-and-set on state, owner and last update: it fails if anyone moved since
                if (!ledger.claim(r, node.id())) {
                    continue;
                }
                Finding f = r.state() == RecordState.CREATING ? recoverCreate(r) : recoverTerminate(r);
                if (f != null) {
                    out.add(f);
                }
            } catch (ProviderException ex) {
                LOG.warnf("ledger: could not recover %s yet (%s: %s)", r.requestKey(), ex.errorClass(),
                        ex.getMessage());
            } finally {
                node.release(r.requestKey());
            }
        }
        return out;
    }

    private Finding recoverCreate(LedgerRecord r) {
        List<Attempt> attempts = ledger.attempts(r.requestKey());
        java.util.Optional<Instance> found = lookUp(r);
        if (found.isPresent()) {
            Instance i = found.get();
            Attempt last = attempts.get(attempts.size() - 1);
            if (last.errorClass() == null) {
                ledger.attemptEnded(r.requestKey(), last.seq(), "", "completed by recovery");
            }
            ledger.created(r.requestKey(), i);
            return new Finding(Kind.RECOVERED, i.provider(), i.region(), i.id(), r.clientRequestId(),
                    "instance found by its request-id label; record completed", true);
        }
        String why = "interrupted: the service stopped during the cloud call and the cloud has no instance for "
                + "this request (retry with the same client_request_id)";
        if (!attempts.isEmpty() && attempts.get(attempts.size() - 1).errorClass() == null) {
            ledger.attemptEnded(r.requestKey(), attempts.get(attempts.size() - 1).seq(),
                    ErrorClass.TRANSIENT.name(), why);
        }
        ledger.failed(r.requestKey(), ErrorClass.TRANSIENT.name(), "REQUEST", why);
        return new Finding(Kind.RECOVERED_FAILED, r.provider(), r.region(), "", r.clientRequestId(), why, true);
    }

    /**
     * A record TERMINATING with nobody working on it: a delete the cloud had not confirmed yet, or one a crash
     * interrupted. The cloud is asked first (terminated / shutting down / gone: TERMINATED, no second delete);
     * otherwise the delete is asked for again and confirmed the same way. Still not confirmed: the record stays
     * TERMINATING (no owner) for the next run.
     */
    private Finding recoverTerminate(LedgerRecord r) {
        ProviderAdapter a = adapters.adapter(r.provider()).orElse(null);
        if (a == null || !providers.configured(r.provider()) || !r.hasInstance()) {
            return null;
        }
        Terminations.Outcome o = Terminations.check(a, r.region(), r.instanceId(), null);
        String how = "the cloud confirms it: ";
        if (!o.confirmed()) {
            o = Terminations.terminate(a, r.region(), r.instanceId());
            how = "delete asked for again; the cloud confirms it: ";
        }
        if (!o.confirmed()) {
            ledger.terminationSeen(r.requestKey(), o.seen().status());
            LOG.infof("ledger: %s/%s is still %s after its delete; checked again at the next reconcile",
                    r.provider().id(), r.instanceId(), o.seen().providerStatus());
            return null;
        }
        ledger.ended(r.requestKey(), RecordState.TERMINATED, InstanceStatus.TERMINATED);
        String word = o.seen().providerStatus().isEmpty() ? "gone" : o.seen().providerStatus();
        return new Finding(Kind.RECOVERED_TERMINATED, r.provider(), r.region(), r.instanceId(), r.clientRequestId(),
                how + word, true);
    }

    private List<Finding> vanished(ProviderAdapter a, List<LedgerRecord> running, Map<String, Instance> live,
            boolean dryRun) {
        List<Finding> out = new ArrayList<>();
        for (LedgerRecord r : running) {
            if (!r.hasInstance() || live.containsKey(r.instanceId())) {
                continue;
            }
            InstanceStatus seen;
            try {
                seen = a.describe(r.region(), r.instanceId()).status();
            } catch (ProviderException ex) {
                if (ex.errorClass() != ErrorClass.NOT_FOUND) {
                    throw ex;
                }
                seen = InstanceStatus.TERMINATED;
            }
            if (seen != InstanceStatus.TERMINATED) {
                continue;
            }
            if (!dryRun) {
                ledger.ended(r.requestKey(), RecordState.VANISHED, seen);
            }
            out.add(new Finding(Kind.VANISHED, r.provider(), r.region(), r.instanceId(), r.clientRequestId(),
                    "the cloud no longer has the instance", !dryRun));
        }
        return out;
    }

    private List<Finding> orphans(ProviderAdapter a, Iterable<Instance> live, Options o) {
        List<Finding> out = new ArrayList<>();
        Instant cutoff = Instant.now().minus(o.grace());
        for (Instance i : live) {
            if (i.status() == InstanceStatus.TERMINATED || !ManagedLabels.isManaged(i.labels())) {
                continue;
            }
            String key = i.labels().getOrDefault(ManagedLabels.REQUEST_ID, "").toLowerCase(Locale.ROOT);
            LedgerRecord r = key.isEmpty() ? null : ledger.find(key).orElse(null);
            if (r != null && !r.state().isFinal() && (!r.hasInstance() || r.instanceId().equals(i.id()))) {
                continue;
            }
            String why = r == null ? "no ledger record" : r.state().isFinal() ? "its record is " + r.state()
                    : "its record names instance " + r.instanceId();
            if (i.createdAt() != null && i.createdAt().isAfter(cutoff)) {
                out.add(new Finding(Kind.ORPHAN_IN_GRACE, i.provider(), i.region(), i.id(), key, why
                        + "; created " + i.createdAt() + ", within the grace period", false));
                continue;
            }
            if (o.terminateOrphans() && !o.dryRun()) {
                Terminations.terminate(a, i.region(), i.id());
                out.add(new Finding(Kind.ORPHAN_TERMINATED, i.provider(), i.region(), i.id(), key, why, true));
            } else {
                out.add(new Finding(Kind.ORPHAN, i.provider(), i.region(), i.id(), key, why, false));
            }
        }
        return out;
    }
}
