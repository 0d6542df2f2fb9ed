package dev.optout.local.host;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.optout.localaws.LambdaLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

/**
 * The execution environment of one function, in its own JVM (started by
 * {@link dev.optout.local.FunctionProcess}): what Lambda's Java runtime does, small.
 *
 * <ul>
 *   <li>The function's jar is loaded in its own {@link URLClassLoader} whose parent is the
 *       platform class loader, so the function sees its jar and the JDK only, as in Lambda (a class
 *       missing from the shaded jar fails here too, not only in AWS).</li>
 *   <li>The handler is built once through its public no-argument constructor, at start ("init"),
 *       reading this JVM's environment, which the parent set from template.yaml. A failed init is
 *       reported on each invoke and retried on the next, as Lambda does.</li>
 *   <li>Input and output go through aws-lambda-java-serialization, the library of Lambda's own
 *       runtime, so events such as {@code SQSEvent} bind exactly as in AWS; a
 *       {@code RequestStreamHandler} gets the raw bytes.</li>
 *   <li>One invocation at a time, as one Lambda execution environment.</li>
 * </ul>
 *
 * Protocol with the parent: {@code POST /invoke} on a loopback port written to the port file once
 * init has run; answers the payload, or {@code X-Amz-Function-Error: Unhandled} with Lambda's
 * {@code {"errorMessage","errorType","stackTrace"}}. Headers {@code X-Request-Id} and
 * {@code X-Deadline-Ms} carry the request id and the deadline (epoch ms).
 *
 * <p>Usage: {@code java -cp <this jar> dev.optout.local.host.FunctionHost <function.jar> <class::method> <port file>}
 * (benchmarks: {@code --once <jar> <handler> <event>} and {@code --primed <jar> <handler> <event> <warm runs>}).
 */
public final class FunctionHost {
    public static final String ERROR_HEADER = "X-Amz-Function-Error";

    private final ClassLoader loader;
    private final String className;
    private final String methodName;
    private final String functionName;
    private Object handler;
    private Method method;
    private Throwable initError;
    /** Nanoseconds the last invocation spent inside the handler method (benchmarks); volatile: read outside invoke's lock. */
    private volatile long handlerNanos;

    private FunctionHost(ClassLoader loader, String handlerSpec, String functionName) {
        this.loader = loader;
        int i = handlerSpec.indexOf("::");
        this.className = i < 0 ? handlerSpec : handlerSpec.substring(0, i);
        this.methodName = i < 0 ? "handleRequest" : handlerSpec.substring(i + 2);
        this.functionName = functionName;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 4 && args[0].equals("--once")) {
            once(Path.of(args[1]), args[2], Path.of(args[3]));
            return;
        }
        if (args.length == 5 && args[0].equals("--primed")) {
            primed(Path.of(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]));
            return;
        }
        Path jar = Path.of(args[0]);
        Path portFile = Path.of(args[2]);
        String name = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "function");
        ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        FunctionHost host = new FunctionHost(loader, args[1], name);
        host.init();

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/invoke", host::serve);
        server.start();
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.getAddress().getPort()));
        Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        // Stops with the parent: it closes our stdin (or we are killed with it).
        Thread stdinWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing to read: the parent never writes
                }
            } catch (IOException e) {
                // parent gone
            }
            System.exit(0);
        }, "parent-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
    }

    /**
     * Cold start, measured: init the handler as Lambda does, handle one event, print
     * {@code FIRST_RESPONSE <bytes> <error?>} and exit (the cold-start benchmark times this process).
     */
    private static void once(Path jar, String handlerSpec, Path eventFile) throws Exception {
        String name = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "function");
        FunctionHost host = new FunctionHost(new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader()),
                handlerSpec, name);
        host.init();
        byte[] out;
        String error = "";
        try {
            out = host.invoke(Files.readAllBytes(eventFile), UUID.randomUUID().toString(), System.currentTimeMillis() + 30_000);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : t;
            out = new byte[0];
            error = cause.getClass().getName();
        }
        System.out.println("FIRST_RESPONSE " + out.length + " " + error);
        System.exit(0);
    }

    /**
     * The closest local stand-in for a SnapStart restore: init, then the handler's SnapStart hooks as
     * Lambda calls them (beforeCheckpoint, which primes; afterRestore), then one request timed in
     * this process, then {@code warmRuns} more; prints {@code PRIMED <first µs> <median warm µs> <hooks>
     * <first in handler µs> <median warm in handler µs>} (in handler: without this host's event (de)serialization,
     * which stands for the Lambda runtime's and which no function code can prime).
     */
    private static void primed(Path jar, String handlerSpec, Path eventFile, int warmRuns) throws Throwable {
        String name = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "function");
        FunctionHost host = new FunctionHost(new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader()),
                handlerSpec, name);
        host.init();
        if (host.initError != null) {
            throw host.initError;
        }
        int hooks = host.runSnapStartHooks();
        byte[] event = Files.readAllBytes(eventFile);
        long start = System.nanoTime();
        host.invoke(event, UUID.randomUUID().toString(), System.currentTimeMillis() + 30_000);
        long first = (System.nanoTime() - start) / 1_000;
        long firstInHandler = host.handlerNanos / 1_000;
        long[] warm = new long[warmRuns];
        long[] warmInHandler = new long[warmRuns];
        for (int i = 0; i < warmRuns; i++) {
            long t = System.nanoTime();
            host.invoke(event, UUID.randomUUID().toString(), System.currentTimeMillis() + 30_000);
            warm[i] = (System.nanoTime() - t) / 1_000;
            warmInHandler[i] = host.handlerNanos / 1_000;
        }
        Arrays.sort(warm);
        Arrays.sort(warmInHandler);
        System.out.println("PRIMED " + first + " " + (warmRuns == 0 ? 0 : warm[warmRuns / 2]) + " " + hooks + " "
                + firstInHandler + " " + (warmRuns == 0 ? 0 : warmInHandler[warmRuns / 2]));
        System.exit(0);
    }

    /**
     * Calls beforeCheckpoint then afterRestore on each org.crac Resource the handler holds in a field
     * (as Lambda calls the resources a function registered); answers how many it found.
     */
    private int runSnapStartHooks() throws ReflectiveOperationException {
        Class<?> resource;
        Class<?> context;
        try {
            resource = Class.forName("org.crac.Resource", false, loader);
            context = Class.forName("org.crac.Context", false, loader);
        } catch (ClassNotFoundException e) {
            return 0;
        }
        int found = 0;
        for (java.lang.reflect.Field f : handler.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || !resource.isAssignableFrom(f.getType())) {
                continue;
            }
            f.setAccessible(true);
            Object hooks = f.get(handler);
            if (hooks != null) {
                resource.getMethod("beforeCheckpoint", context).invoke(hooks, (Object) null);
                resource.getMethod("afterRestore", context).invoke(hooks, (Object) null);
                found++;
            }
        }
        return found;
    }

    private synchronized void init() {
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class<?> type = Class.forName(className, true, loader);
            method = findMethod(type);
            handler = Modifier.isStatic(method.getModifiers()) ? null : type.getConstructor().newInstance();
            initError = null;
        } catch (InvocationTargetException e) {
            initError = e.getCause();
        } catch (Throwable e) {
            initError = e;
        }
        if (initError != null) {
            System.err.println("init failed: " + initError);
        }
    }

    private Method findMethod(Class<?> type) throws NoSuchMethodException {
        Method best = null;
        for (Method m : type.getMethods()) {
            if (!m.getName().equals(methodName) || m.isBridge() || m.getParameterCount() == 0 || m.getParameterCount() > 3) {
                continue;
            }
            if (best == null || m.getParameterCount() > best.getParameterCount()) {
                best = m;
            }
        }
        if (best == null) {
            throw new NoSuchMethodException(className + "::" + methodName);
        }
        return best;
    }

    private void serve(HttpExchange exchange) throws IOException {
        byte[] input = exchange.getRequestBody().readAllBytes();
        String requestId = header(exchange, "X-Request-Id", UUID.randomUUID().toString());
        long deadline = Long.parseLong(header(exchange, "X-Deadline-Ms", Long.toString(System.currentTimeMillis() + 30_000)));
        byte[] out;
        boolean error = false;
        try {
            out = invoke(input, requestId, deadline);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : t;
            out = errorJson(cause).getBytes(StandardCharsets.UTF_8);
            error = true;
            System.err.println("invocation " + requestId + " failed: " + cause);
        }
        if (error) {
            exchange.getResponseHeaders().add(ERROR_HEADER, "Unhandled");
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, out.length == 0 ? -1 : out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    private synchronized byte[] invoke(byte[] input, String requestId, long deadline) throws Throwable {
        if (initError != null) {
            init();
            if (initError != null) {
                throw initError;
            }
        }
        Thread.currentThread().setContextClassLoader(loader);
        Object context = context(requestId, deadline);
        Class<?>[] params = method.getParameterTypes();
        if (params.length == 3 || (params.length >= 2 && InputStream.class.equals(params[0]) && OutputStream.class.equals(params[1]))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Object[] args = params.length == 3 ? new Object[] {new ByteArrayInputStream(input), out, context}
                    : new Object[] {new ByteArrayInputStream(input), out};
            long t = System.nanoTime();
            method.invoke(handler, args);
            handlerNanos = System.nanoTime() - t;
            return out.toByteArray();
        }
        Type inputType = method.getGenericParameterTypes()[0];
        Object event = serializer(inputType).fromJson(new ByteArrayInputStream(input));
        long t = System.nanoTime();
        Object result = params.length == 2 ? method.invoke(handler, event, context) : method.invoke(handler, event);
        handlerNanos = System.nanoTime() - t;
        if (method.getReturnType() == void.class || result == null) {
            return "null".getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer(method.getGenericReturnType() instanceof Class<?> ? result.getClass() : method.getGenericReturnType())
                .toJson(result, out);
        return out.toByteArray();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private PojoSerializer<Object> serializer(Type type) {
        if (type instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) {
            return (PojoSerializer) LambdaEventSerializers.serializerFor(c, loader);
        }
        return (PojoSerializer) JacksonFactory.getInstance().getSerializer(type);
    }

    /** A {@code Context} of the function's own aws-lambda-java-core, or null where its jar has none. */
    private Object context(String requestId, long deadline) {
        Class<?> contextType;
        Class<?> loggerType;
        try {
            contextType = Class.forName("com.amazonaws.services.lambda.runtime.Context", false, loader);
            loggerType = Class.forName("com.amazonaws.services.lambda.runtime.LambdaLogger", false, loader);
        } catch (ClassNotFoundException e) {
            return null;
        }
        PrintStream stdout = System.out;
        Object logger = Proxy.newProxyInstance(loader, new Class<?>[] {loggerType}, (proxy, m, args) -> {
            if (m.getName().equals("log") && args != null && args.length > 0) {
                stdout.println(args[0] instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(args[0]));
            }
            return null;
        });
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        InvocationHandler h = (proxy, m, args) -> switch (m.getName()) {
            case "getAwsRequestId" -> requestId;
            case "getLogGroupName" -> "/aws/lambda/" + functionName;
            case "getLogStreamName" -> "local";
            case "getFunctionName" -> functionName;
            case "getFunctionVersion" -> "$LATEST";
            case "getInvokedFunctionArn" -> "arn:aws:lambda:" + region + ":123456789012:function:" + functionName;
            case "getRemainingTimeInMillis" -> (int) Math.max(0, deadline - System.currentTimeMillis());
            case "getMemoryLimitInMB" -> Integer.parseInt(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"));
            case "getLogger" -> logger;
            case "toString" -> "LocalContext[" + requestId + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> null;
        };
        return Proxy.newProxyInstance(loader, new Class<?>[] {contextType}, h);
    }

    /** Lambda's error shape for an unhandled exception. */
    static String errorJson(Throwable t) {
        StringBuilder sb = new StringBuilder("{\"errorMessage\":").append(quote(String.valueOf(t.getMessage())))
                .append(",\"errorType\":").append(quote(t.getClass().getName())).append(",\"stackTrace\":[");
        // The function's frames only: stop where this host's reflective call begins.
        String[] frames = Arrays.stream(t.getStackTrace())
                .takeWhile(f -> !f.getClassName().startsWith("jdk.internal.reflect.") && !f.getClassName().equals("java.lang.reflect.Method"))
                .limit(50).map(StackTraceElement::toString).toArray(String[]::new);
        for (int i = 0; i < frames.length; i++) {
            sb.append(i == 0 ? "" : ",").append(quote(frames[i]));
        }
        return sb.append("]}").toString();
    }

    private static String quote(String s) {
        return LambdaLimits.quote(s);
    }

    private static String header(HttpExchange e, String name, String defaultValue) {
        String v = e.getRequestHeaders().getFirst(name);
        return v == null ? defaultValue : v;
    }
}
