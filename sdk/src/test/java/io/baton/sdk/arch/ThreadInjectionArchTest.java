package io.baton.sdk.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.BaseStream;
import org.junit.jupiter.api.Test;

/**
 * Every thread of the executor runtime, its shim connection and the framework client is made by the
 * {@link ThreadFactory} injected at its edge ({@code ExecutorOptions.withThreads}, {@code ClientOptions.threads});
 * only one small class per edge ({@code ExecutorThreads}, {@code ClientThreads}) holds the named defaults.
 */
class ThreadInjectionArchTest {
    static final Set<String> DEFAULT_FACTORIES = Set.of("io.baton.sdk.transport.ExecutorThreads",
            "io.baton.sdk.client.ClientThreads");

    /** Calls that start a thread, or make something that will, without a factory handed in. */
    static final DescribedPredicate<JavaCall<?>> MAKES_ITS_OWN_THREAD = DescribedPredicate.describe(
            "makes a thread without an injected factory (new Thread, Executors.new*, a ThreadFactory, a thread pool "
                    + "or Netty event executor group without a ThreadFactory, CompletableFuture's default async "
                    + "pool or delayer, the common pool, a parallel stream, a Timer)", ThreadInjectionArchTest::makesOwnThread);

    static boolean makesOwnThread(JavaCall<?> call) {
        JavaClass owner = call.getTargetOwner();
        String name = call.getName();
        List<JavaClass> params = call.getTarget().getRawParameterTypes();
        boolean factoryGiven = params.stream().anyMatch(p -> p.isAssignableTo(ThreadFactory.class)
                || p.isAssignableTo(ForkJoinPool.ForkJoinWorkerThreadFactory.class));
        if (call instanceof JavaConstructorCall) {
            return owner.isAssignableTo(Thread.class) || owner.isAssignableTo(ThreadFactory.class)
                    || owner.isAssignableTo(java.util.Timer.class)
                    || (owner.isAssignableTo(ThreadPoolExecutor.class) || owner.isAssignableTo(ForkJoinPool.class)
                            || owner.isAssignableTo(EventExecutorGroup.class)) && !factoryGiven;
        }
        if (owner.isEquivalentTo(Executors.class)) {
            return name.startsWith("new") || name.endsWith("ThreadFactory");
        }
        if (owner.isEquivalentTo(CompletableFuture.class)) {
            boolean executorGiven = params.stream().anyMatch(p -> p.isAssignableTo(Executor.class));
            return name.endsWith("Async") && !executorGiven || name.equals("orTimeout")
                    || name.equals("completeOnTimeout") || name.equals("delayedExecutor");
        }
        return owner.isEquivalentTo(ForkJoinPool.class) && name.equals("commonPool")
                || owner.isEquivalentTo(Thread.class) && Set.of("ofPlatform", "ofVirtual", "startVirtualThread")
                        .contains(name)
                || name.equals("parallelStream") && owner.isAssignableTo(java.util.Collection.class)
                || name.equals("parallel") && owner.isAssignableTo(BaseStream.class);
    }

    static ArchRule threadsComeFromTheEdge(String... packages) {
        return noClasses().that().resideInAnyPackage(packages)
                .and(DescribedPredicate.describe("are not an edge's default thread factory",
                        (JavaClass c) -> !DEFAULT_FACTORIES.contains(c.getName())))
                .should().callCodeUnitWhere(MAKES_ITS_OWN_THREAD)
                .orShould().dependOnClassesThat().belongToAnyOf(GlobalEventExecutor.class)
                .because("threads are injected at the edges (ExecutorOptions.withThreads, ClientOptions.threads): "
                        + "a thread made any other way escapes the author's factory, and closing the edge");
    }

    @Test
    void theRuntimeItsConnectionAndTheClientMakeThreadsOnlyFromTheInjectedFactory() {
        threadsComeFromTheEdge("io.baton.sdk.runtime..", "io.baton.sdk.transport..", "io.baton.sdk.client..",
                "io.baton.sdk.api..").check(CorePurityTest.SDK);
    }

    @Test
    void theRuleCatchesEveryWayOfMakingAThreadAndAllowsTheInjectedOnes() {
        var classes = new ClassFileImporter().importClasses(Offender.class, Injected.class);
        List<String> details = threadsComeFromTheEdge("io.baton.sdk.arch..").evaluate(classes).getFailureReport()
                .getDetails();
        assertThat(details).noneMatch(d -> d.contains(Injected.class.getSimpleName() + "."));
        for (String call : List.of("Thread.<init>", "Executors.newCachedThreadPool", "Executors.defaultThreadFactory",
                "ThreadPoolExecutor.<init>", "ScheduledThreadPoolExecutor.<init>", "DefaultThreadFactory.<init>",
                "CompletableFuture.supplyAsync", "CompletableFuture.orTimeout", "ForkJoinPool.commonPool",
                "MultiThreadIoEventLoopGroup.<init>", "GlobalEventExecutor", "java.util.Timer.<init>",
                "parallelStream")) {
            assertThat(details).as("a violation naming %s in %s", call, details)
                    .anyMatch(d -> d.contains(Offender.class.getSimpleName()) && d.contains(call));
        }
    }

    /** Every pattern the rule forbids (compiled, never run). */
    @SuppressWarnings("unused")
    static final class Offender {
        void all(List<String> list) {
            new Thread(() -> { });
            Executors.newCachedThreadPool();
            Executors.defaultThreadFactory();
            new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
            new ScheduledThreadPoolExecutor(1);
            new DefaultThreadFactory("x");
            CompletableFuture.supplyAsync(() -> 1);
            new CompletableFuture<Integer>().orTimeout(1, TimeUnit.SECONDS);
            ForkJoinPool.commonPool();
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            Object global = GlobalEventExecutor.INSTANCE;
            new java.util.Timer();
            list.parallelStream();
        }
    }

    /** The same jobs with the factory handed in: allowed. */
    @SuppressWarnings("unused")
    static final class Injected {
        void all(ThreadFactory threads, Executor executor) {
            new ScheduledThreadPoolExecutor(1, threads);
            new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), threads);
            CompletableFuture.supplyAsync(() -> 1, executor);
            new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
        }
    }
}
