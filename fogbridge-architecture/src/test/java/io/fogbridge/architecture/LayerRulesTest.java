package io.fogbridge.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers of ARCHITECTURE.md, over the production classes of every module (tests may cross layers: a stage's
 * test uses the testkit, a gateway test runs real stages).
 *
 * <p>Each Maven module owns one package under {@code io.fogbridge}, so a rule between packages is a rule between
 * modules; the POMs alone would not catch a dependency that arrives transitively.
 */
@AnalyzeClasses(packages = "io.fogbridge", importOptions = ImportOption.DoNotIncludeTests.class)
class LayerRulesTest {

    private static final String OURS = "io.fogbridge..";
    private static final String API = "io.fogbridge.api..";

    @ArchTest
    static final ArchRule the_api_depends_on_the_jdk_and_micrometer_only = classes()
            .that()
            .resideInAPackage(API)
            .should()
            .onlyDependOnClassesThat()
            // Micrometer: the adapter contract hands adapters a MeterRegistry (AdapterContext, arch-adapters).
            .resideInAnyPackage(API, "java..", "io.micrometer.core.instrument..")
            .because("every module implements or uses the contracts, so they can carry nothing else along");

    // The stages data flows through: the gateway wires them, so they know each other only through the API.

    @ArchTest
    static final ArchRule spool_uses_only_the_api = isAStage("spool");

    @ArchTest
    static final ArchRule pipeline_uses_only_the_api = isAStage("pipeline");

    @ArchTest
    static final ArchRule registry_uses_only_the_api = isAStage("registry");

    @ArchTest
    static final ArchRule kafka_uses_only_the_api = isAStage("kafka");

    @ArchTest
    static final ArchRule command_uses_only_the_api = isAStage("command");

    @ArchTest
    static final ArchRule mqtt_uses_only_the_api = isAStage("mqtt");

    @ArchTest
    static final ArchRule adapters_use_only_the_api = isAStage("adapters");

    @ArchTest
    static final ArchRule modbus_uses_only_the_api = isAStage("modbus");

    @ArchTest
    static final ArchRule only_the_applications_use_the_gateway = noClasses()
            .that()
            .resideOutsideOfPackages("io.fogbridge.gateway..", "io.fogbridge.demo..", "io.fogbridge.bench..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.fogbridge.gateway..")
            .because("the gateway is the one place that wires stages; only applications built on it (demo, bench)"
                    + " may start it");

    @ArchTest
    static final ArchRule no_production_code_uses_the_testkit = noClasses()
            .that()
            .resideOutsideOfPackages("io.fogbridge.testkit..", "io.fogbridge.bench..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.fogbridge.testkit..")
            .because("test fixtures and doubles must never reach a production classpath (the benchmarks are not one:"
                    + " they read the launcher's JVM options through the testkit, as the memory tests do)");

    @ArchTest
    static final ArchRule certs_is_a_leaf = isALeaf("certs");

    @ArchTest
    static final ArchRule local_kafka_is_a_leaf = isALeaf("localkafka");

    @ArchTest
    static final ArchRule modules_are_free_of_cycles = slices().matching("io.fogbridge.(*)..")
            .namingSlices("io.fogbridge.$1")
            .should()
            .beFreeOfCycles()
            .because("a cycle between modules makes them one module that Maven cannot build in order");

    private static ArchRule isAStage(String stage) {
        return usesNothingOfOursButTheApi(
                stage, "stages are wired together by the gateway, through the contracts in fogbridge-api");
    }

    /** Support libraries for the gateway, the demo and the tests: below every stage. */
    private static ArchRule isALeaf(String library) {
        return usesNothingOfOursButTheApi(
                library, "it is a library below every stage, shared by the gateway," + " the demo and the tests");
    }

    private static ArchRule usesNothingOfOursButTheApi(String module, String reason) {
        String own = "io.fogbridge." + module + "..";
        return classes()
                .that()
                .resideInAPackage(own)
                .should()
                .onlyDependOnClassesThat(not(resideInAPackage(OURS)).or(resideInAnyPackage(API, own)))
                .as(module + " should depend on no Fogbridge package but io.fogbridge.api and its own")
                .because(reason);
    }
}
