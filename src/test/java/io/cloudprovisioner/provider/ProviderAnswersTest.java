package io.cloudprovisioner.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.ProviderAnswers.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared checks of provider answers: bounded pages, repeated cursors, duplicates, ranges, labels. */
class ProviderAnswersTest {
    static final ProviderAnswerSettings LIMITS = new ProviderAnswerSettings() {
        public int maxPages() {
            return 5;
        }

        public int maxVcpus() {
            return 512;
        }

        public double maxMemoryGib() {
            return 4096;
        }

        public double maxDiskGib() {
            return 10000;
        }

        public int maxGpus() {
            return 16;
        }

        public double maxUsdPerHour() {
            return 500;
        }
    };
    final ProviderAnswers answers = new ProviderAnswers(Provider.GCP, LIMITS);

    @Test
    void pagesFollowCursorsUntilTheLastPage() {
        List<String> asked = new ArrayList<>();
        List<String> out = answers.pages("things", s -> s, c -> {
            asked.add(String.valueOf(c));
            return c == null ? new Page<>(List.of("a", "b"), "t1") : c.equals("t1")
                    ? new Page<>(List.of("c"), "t2") : new Page<>(List.of("d"), "");
        });
        assertEquals(List.of("a", "b", "c", "d"), out);
        assertEquals(List.of("null", "t1", "t2"), asked);
    }

    @Test
    void aRepeatedCursorFailsUnavailableAndIsNotRetryable() {
        int[] calls = {0};
        UntrustedAnswerException e = assertThrows(UntrustedAnswerException.class, () -> answers.pages("things",
                s -> s, c -> {
                    calls[0]++;
                    return new Page<>(List.of("x" + calls[0]), c == null ? "t1" : c.equals("t1") ? "t2" : "t1");
                }));
        assertEquals(3, calls[0], "stops at the page that repeats t1");
        assertEquals(UntrustedAnswerException.REPEATED_CURSOR, e.providerCode());
        assertEquals(ErrorClass.TRANSIENT, e.errorClass());
        assertEquals(ErrorScope.PROVIDER, e.scope());
        assertFalse(e.retryable());
        assertFalse(ProviderGuard.shouldRetry(e, Duration.ofSeconds(30)), "the guard does not retry it");
        assertFalse(ProviderGuard.isOutage(e), "nor counts it as an outage");
    }

    @Test
    void freshCursorsForeverStopAtThePageCap() {
        int[] calls = {0};
        UntrustedAnswerException e = assertThrows(UntrustedAnswerException.class, () -> answers.<String>pages(
                "things", s -> s, c -> new Page<>(List.of(), "t" + ++calls[0])));
        assertEquals(5, calls[0]);
        assertEquals(UntrustedAnswerException.PAGE_CAP, e.providerCode());
        assertTrue(e.getMessage().contains("5 pages"), e.getMessage());
        assertTrue(e.getMessage().contains("cloudprovisioner.gcp.provider-answers.max-pages"), e.getMessage());
    }

    @Test
    void duplicatesAndEntriesWithoutIdAreDropped() {
        List<String[]> in = List.of(new String[] {"a", "1"}, new String[] {"b", "2"}, new String[] {"a", "3"},
                new String[] {"", "4"}, new String[] {null, "5"});
        List<String> out = answers.distinct("pairs", in, p -> p[0]).stream().map(p -> p[0] + p[1]).toList();
        assertEquals(List.of("a1", "b2"), out);
    }

    @Test
    void aThousandDroppedEntriesWriteABoundedNumberOfWarnLines() {
        List<String> warned = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warned.add(String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ProviderAnswers.class.getName());
        log.addHandler(capture);
        try {
            List<String> twice = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                twice.add("t" + i);
                twice.add("t" + i);
            }
            assertEquals(1000, answers.distinct("types", twice, s -> s).size());
            assertEquals(ProviderAnswers.WARNED_DROPS + 1, warned.size(), warned.toString());
            assertTrue(warned.get(warned.size() - 1).contains("990"), warned.toString());
            warned.clear();
            answers.keep("types", twice.subList(0, 8), s -> s, s -> "odd");
            assertEquals(8, warned.size(), "below the bound every drop has its own line");
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void sizeFiguresMustBeBelievable() {
        assertNull(answers.sizeProblem(2, 4, 80, 0, 0.05));
        assertNull(answers.sizeProblem(2, 4, Double.NaN, 0, Double.NaN), "not reported passes");
        assertNull(answers.sizeProblem(512, 4096, 0, 16, 0));
        assertTrue(answers.sizeProblem(-2, 4, 80, 0, 0.05).startsWith("vCPUs"));
        assertTrue(answers.sizeProblem(0, 4, 80, 0, 0.05).startsWith("vCPUs"));
        assertTrue(answers.sizeProblem(513, 4, 80, 0, 0.05).startsWith("vCPUs"));
        assertTrue(answers.sizeProblem(Double.NaN, 4, 80, 0, 0.05).startsWith("vCPUs"));
        assertTrue(answers.sizeProblem(2, 0, 80, 0, 0.05).startsWith("memory"));
        assertTrue(answers.sizeProblem(2, Double.POSITIVE_INFINITY, 80, 0, 0.05).startsWith("memory"));
        assertTrue(answers.sizeProblem(2, 4, -1, 0, 0.05).startsWith("disk"));
        assertTrue(answers.sizeProblem(2, 4, 80, -1, 0.05).startsWith("GPU"));
        assertTrue(answers.sizeProblem(2, 4, 80, 17, 0.05).startsWith("GPU"));
        assertTrue(answers.sizeProblem(2, 4, 80, 0, -0.01).startsWith("price"));
        assertTrue(answers.sizeProblem(2, 4, 80, 0, 501).startsWith("price"));
    }

    @Test
    void typesAndPricesKeepTheSaneOnesOnce() {
        List<DiscoveredType> types = answers.types("types", List.of(new DiscoveredType("a", 2, 4, 0, Double.NaN),
                new DiscoveredType("bad", -1, 4, 0, Double.NaN), new DiscoveredType("a", 4, 8, 0, Double.NaN),
                new DiscoveredType("b", 1, 1, 0, 0.01)));
        assertEquals(List.of("a", "b"), types.stream().map(DiscoveredType::name).toList());
        assertEquals(2, types.get(0).vcpus(), "the first listed wins");
        List<LivePrice> prices = answers.prices("prices", List.of(LivePrice.onDemand("a", "r1", 0.1, 73),
                LivePrice.onDemand("a", "r2", -0.1, Double.NaN), LivePrice.spot("b", "r1", 0.02),
                LivePrice.onDemand("c", "r1", Double.NaN, 500 * 730 + 1), LivePrice.onDemand("a", "r1", 0.2, 1)));
        assertEquals(List.of("a r1 0.1", "b r1 NaN"), prices.stream()
                .map(p -> p.instanceType() + " " + p.region() + " " + p.onDemandUsdPerHour()).toList());
    }

    @Test
    void managedAndRequestLabelsAreCheckedNotTrusted() {
        Instance ours = instance("i-1", ManagedLabels.forRequest("Req-1", Map.of()));
        Instance other = instance("i-2", ManagedLabels.forRequest("req-2", Map.of()));
        Instance foreign = instance("i-3", Map.of("team", "x"));
        assertEquals(List.of("i-1", "i-2"), answers.managed("instances", List.of(ours, other, foreign, ours))
                .stream().map(Instance::id).toList());
        assertEquals(List.of("i-1"), answers.ofRequest("instances", List.of(other, foreign, ours), "REQ-1").stream()
                .map(Instance::id).toList());
    }

    static Instance instance(String id, Map<String, String> labels) {
        return new Instance(id, Provider.GCP, "e2-small", "us-central1", "us-central1-a", "", "",
                InstanceStatus.RUNNING, "RUNNING", labels, null, false, "");
    }
}
