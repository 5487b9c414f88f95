package io.cloudprovisioner.catalog.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled catalog is exactly what the committed importer makes from ../shared/catalog-sources: nobody edited a
 * figure by hand. Skipped (with a message) only where the sources are not checked out beside the repository.
 */
class BundledCatalogIsReproducibleTest {
    static final Path SOURCES = Path.of(System.getProperty("cloudprovisioner.catalog-sources",
            "../shared/catalog-sources"));

    @Test
    void importerReproducesTheBundledFilesByteForByte(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(SOURCES), "catalog sources not found at " + SOURCES.toAbsolutePath());
        CatalogImporter.run(SOURCES, out);
        for (String f : List.of("sources.csv", "instance-types.csv", "offers.csv", "spot-advisor.csv")) {
            Path bundled = Path.of("src/main/resources/catalog", f);
            assertTrue(Files.exists(out.resolve(f)), f + " written");
            assertArrayEquals(Files.readAllBytes(bundled), Files.readAllBytes(out.resolve(f)),
                    f + " differs from the importer's output: re-run the importer (README, Catalog)");
        }
    }
}
