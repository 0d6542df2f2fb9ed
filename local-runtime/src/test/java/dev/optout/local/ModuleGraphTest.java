package dev.optout.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import dev.optout.localaws.ProjectRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph, checked on the production classes of every module the root pom lists up to
 * and including this one (each module's target/classes, built before this module's tests run;
 * the benchmarks build after it, since they run the local runtime, and are not covered): the core depends on
 * no module above it, no two dev.optout packages depend on each other in a cycle, and no package
 * spans two modules (a split package couples two jars through package-private access, and two
 * jars that both ship it shadow each other's classes).
 */
class ModuleGraphTest {
    private static final Path ROOT = ProjectRoot.find();
    /** module directory (as the root pom names it) -> its compiled production classes */
    private static final Map<String, Path> MODULE_CLASSES = new TreeMap<>();
    private static JavaClasses all;

    @BeforeAll
    static void importEveryModule() throws IOException {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            Path classes = ROOT.resolve(m.group(1)).resolve("target/classes");
            assertThat(classes).as("%s is built (mvn verify builds every module before this one)", m.group(1)).isDirectory();
            MODULE_CLASSES.put(m.group(1), classes);
            if (m.group(1).equals("local-runtime")) {
                break;
            }
        }
        assertThat(MODULE_CLASSES).containsKeys("shared", "web", "report", "cli", "functions/presend-check");
        all = new ClassFileImporter().importPaths(MODULE_CLASSES.values());
    }

    @Test
    void theCoreDependsOnNoModuleAboveIt() {
        noClasses().that().resideInAnyPackage(packagesOf("shared"))
                .should().dependOnClassesThat().resideInAnyPackage(packagesAbove())
                .because("optout-shared is the core every function ships; the web layer, the report, the functions, "
                        + "the command line and the local runtime are built on it, never the other way round")
                .check(all);
    }

    /**
     * No package depends on itself through others. Four cycles are known debt, frozen (their
     * dependencies are recorded in src/test/resources/frozen-package-cycles, and only those are
     * tolerated: a new dependency on such a cycle, or a new cycle, fails; a recorded one that goes
     * away is dropped from the record):
     * <ul>
     *   <li>{@code cli} and {@code cli.imports}: the import command extends the CLI's command base
     *       and uses its operator, and the CLI registers the import command;</li>
     *   <li>{@code consent} and {@code suppression}: the consent model speaks the store's types
     *       (Change, Mark, Frequency, Decision) and the store asks the model's Authority;</li>
     *   <li>{@code http} and {@code web} (and {@code formtoken} with them): requests negotiate a web
     *       Language and responses carry a web Page, while the link pages read requests and check
     *       form tokens, which read requests;</li>
     *   <li>{@code pending} and {@code preferences}: the preference center queues PendingChanges and
     *       the pending-change applier replays them through the preference center.</li>
     * </ul>
     */
    @Test
    void noPackageCyclesBeyondTheFrozenOnes() {
        FreezingArchRule.freeze(slices().matching("dev.optout.(**)").should().beFreeOfCycles()).check(all);
    }

    @Test
    void noPackageSpansTwoModules() throws IOException {
        Map<String, Set<String>> modulesOfPackage = new TreeMap<>();
        for (Map.Entry<String, Path> module : MODULE_CLASSES.entrySet()) {
            for (String pkg : packagesIn(module.getValue())) {
                modulesOfPackage.computeIfAbsent(pkg, k -> new TreeSet<>()).add(module.getKey());
            }
        }
        modulesOfPackage.values().removeIf(modules -> modules.size() < 2);
        assertThat(modulesOfPackage).as("packages whose classes are in more than one module").isEmpty();
    }

    private static String[] packagesOf(String module) {
        try {
            return packagesIn(MODULE_CLASSES.get(module)).toArray(String[]::new);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every package of every module other than shared and the test helpers' local AWS. */
    private static String[] packagesAbove() {
        List<String> above = new ArrayList<>();
        Set<String> core = Set.of(packagesOf("shared"));
        for (String module : MODULE_CLASSES.keySet()) {
            if (!module.equals("shared")) {
                for (String pkg : packagesOf(module)) {
                    if (!core.contains(pkg)) {
                        above.add(pkg);
                    }
                }
            }
        }
        return above.toArray(String[]::new);
    }

    private static Set<String> packagesIn(Path classes) throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(p -> p.toString().endsWith(".class"))
                    .forEach(p -> packages.add(classes.relativize(p.getParent()).toString().replace('/', '.').replace('\\', '.')));
        }
        return packages;
    }
}
