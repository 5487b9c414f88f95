package io.cloudprovisioner.deployment.kubernetes;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The clusters a Kubernetes target may name: the contexts of the configured kubeconfig file. One client per context,
 * made on first use and remade when the file changes.
 */
@Singleton
public class KubernetesClusters {
    private static final Logger LOG = Logger.getLogger(KubernetesClusters.class);
    /**
     * What a context name may be here: kubeconfig allows any text, the names tools write (kind-x, gke_p_z_c,
     * arn:aws:eks:r:a:cluster/c, user@cluster) fit this; at most 253 characters.
     */
    public static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,252}");

    @Inject
    KubernetesSettings settings;

    private record Entry(KubernetesClient client, long modified) {
    }

    private final Map<String, Entry> clients = new ConcurrentHashMap<>();

    /** The kubeconfig file: configured, else the first of KUBECONFIG, else ~/.kube/config. */
    public Path kubeconfig() {
        String configured = settings.kubeconfig().filter(s -> !s.isBlank()).orElse(null);
        if (configured != null) {
            return Path.of(configured);
        }
        Collection<String> files = Config.getKubeconfigFilenames();
        return Path.of(files.isEmpty() ? System.getProperty("user.home") + "/.kube/config" : files.iterator().next());
    }

    /** The context names of the kubeconfig file (refused when there is no readable file). */
    public List<String> contexts() {
        Path file = kubeconfig();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new KubernetesFailure("KUBECONFIG_MISSING", "no readable kubeconfig file at " + file + ": set "
                    + "cloudprovisioner.kubernetes.kubeconfig (CLOUDPROVISIONER_KUBERNETES_KUBECONFIG) to a file whose "
                    + "contexts are the clusters targets may name", false, Map.of("kubeconfig", file.toString()));
        }
        try {
            io.fabric8.kubernetes.api.model.Config c = KubeConfigUtils.parseConfig(file.toFile());
            return c.getContexts() == null ? List.of() : c.getContexts().stream().map(NamedContext::getName).toList();
        } catch (RuntimeException e) {
            throw new KubernetesFailure("KUBECONFIG_UNREADABLE", "the kubeconfig file " + file + " cannot be read as a "
                    + "kubeconfig", false, Map.of("kubeconfig", file.toString()));
        }
    }

    /** Refuses a context that is not in the kubeconfig file (naming the file and how many contexts it has). */
    public void requireContext(String context) {
        List<String> known = contexts();
        if (!known.contains(context)) {
            Path file = kubeconfig();
            throw new KubernetesFailure("KUBERNETES_CONTEXT_UNKNOWN", "kubeconfig context \"" + context + "\" is not "
                    + "in " + file + " (it has " + known.size() + " context" + (known.size() == 1 ? "" : "s")
                    + "); name one of its contexts in target.cluster", false, Map.of("kubeconfig", file.toString(),
                            "contexts", Integer.toString(known.size())));
        }
    }

    /** The client of a context of the kubeconfig file. */
    public KubernetesClient client(String context) {
        requireContext(context);
        File file = kubeconfig().toFile();
        long modified = file.lastModified();
        Entry e = clients.compute(context, (k, old) -> {
            if (old != null && old.modified() == modified) {
                return old;
            }
            if (old != null) {
                old.client().close();
            }
            Config cfg = Config.fromKubeconfig(context, file);
            cfg.setConnectionTimeout((int) settings.connectTimeout().toMillis());
            cfg.setRequestTimeout((int) settings.requestTimeout().toMillis());
            cfg.setRequestRetryBackoffLimit(settings.requestRetries());
            LOG.debugf("kubernetes client for context %s of %s", context, file);
            return new Entry(new KubernetesClientBuilder().withConfig(cfg).build(), modified);
        });
        return e.client();
    }

    @PreDestroy
    void close() {
        clients.values().forEach(e -> e.client().close());
        clients.clear();
    }
}
