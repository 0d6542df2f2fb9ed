package dev.optout.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The price of a workload from what it consumed: pure arithmetic, so it can be checked by hand.
 * Units in, dollars out; every price is a named input ({@link Prices}).
 */
final class CostModel {
    private CostModel() {
    }

    /**
     * List prices, us-east-1, in US dollars, as published on the services' pricing pages in
     * November 2025 (defaults; each can be given on the command line, see {@link #NAMES}).
     *
     * @param readRequestUnit   DynamoDB on-demand, standard table class, per read request unit
     * @param writeRequestUnit  DynamoDB on-demand, standard table class, per write request unit
     * @param lambdaGbSecond    Lambda duration per GB-second (arm64, the template's architecture, first tier)
     * @param lambdaRequest     Lambda, per invocation
     * @param sqsRequest        SQS standard queue, per API request (each 64 KB chunk of a payload is one)
     * @param snsPublish        SNS standard topic, per publish (each 64 KB chunk is one); deliveries to SQS are free
     * @param eventBridgeEvent  EventBridge, per custom event published (the template routes no event through it)
     */
    record Prices(double readRequestUnit, double writeRequestUnit, double lambdaGbSecond, double lambdaRequest,
                  double sqsRequest, double snsPublish, double eventBridgeEvent) {
        static final Prices LIST_US_EAST_1 = new Prices(0.125e-6, 0.625e-6, 0.0000133334, 0.20e-6, 0.40e-6, 0.50e-6, 1.00e-6);

        /** These prices with any of {@link #NAMES} replaced by {@code --NAME dollars} from the command line. */
        Prices with(Map<String, Double> given) {
            for (String k : given.keySet()) {
                if (!NAMES.contains(k)) {
                    throw new IllegalArgumentException("unknown price " + k + "; known: " + NAMES);
                }
            }
            return new Prices(given.getOrDefault("price-rru", readRequestUnit), given.getOrDefault("price-wru", writeRequestUnit),
                    given.getOrDefault("price-gb-second", lambdaGbSecond), given.getOrDefault("price-lambda-request", lambdaRequest),
                    given.getOrDefault("price-sqs-request", sqsRequest), given.getOrDefault("price-sns-publish", snsPublish),
                    given.getOrDefault("price-eventbridge-event", eventBridgeEvent));
        }
    }

    /** The command-line names of the prices, in {@link Prices}' order. */
    static final List<String> NAMES = List.of("price-rru", "price-wru", "price-gb-second", "price-lambda-request",
            "price-sqs-request", "price-sns-publish", "price-eventbridge-event");

    /**
     * What a workload consumed, per unit of work (one recipient checked, one SES event processed).
     *
     * @param readUnits          DynamoDB read request units
     * @param writeUnits         DynamoDB write request units
     * @param invocations        Lambda invocations
     * @param gbSeconds          Lambda GB-seconds (billed duration x memory)
     * @param sqsRequests        SQS API requests
     * @param snsPublishes       SNS publishes
     * @param eventBridgeEvents  EventBridge events
     */
    record Usage(double readUnits, double writeUnits, double invocations, double gbSeconds, double sqsRequests,
                 double snsPublishes, double eventBridgeEvents) {
    }

    record Line(String item, double quantity, double dollars) {
    }

    /** The cost of {@code count} units of work, one line per priced item, in {@link Prices}' order. */
    static List<Line> cost(Usage perUnit, long count, Prices p) {
        List<Line> lines = new ArrayList<>();
        lines.add(line("DynamoDB read request units", perUnit.readUnits() * count, p.readRequestUnit()));
        lines.add(line("DynamoDB write request units", perUnit.writeUnits() * count, p.writeRequestUnit()));
        lines.add(line("Lambda GB-seconds", perUnit.gbSeconds() * count, p.lambdaGbSecond()));
        lines.add(line("Lambda requests", perUnit.invocations() * count, p.lambdaRequest()));
        lines.add(line("SQS requests", perUnit.sqsRequests() * count, p.sqsRequest()));
        lines.add(line("SNS publishes", perUnit.snsPublishes() * count, p.snsPublish()));
        lines.add(line("EventBridge events", perUnit.eventBridgeEvents() * count, p.eventBridgeEvent()));
        return lines;
    }

    static double total(List<Line> lines) {
        return lines.stream().mapToDouble(Line::dollars).sum();
    }

    private static Line line(String item, double quantity, double price) {
        return new Line(item, quantity, quantity * price);
    }

    /**
     * Lambda bills the wall time of an invocation, rounded up to the millisecond, times its memory.
     * The modelled time of one invocation: its CPU time, stretched by the share of a vCPU the memory
     * buys (Lambda: one full vCPU at 1,769 MB, proportionally less below), plus the store's round
     * trips that cannot overlap: the requests divided among those in flight at once, times one
     * round trip each. CPU and waits are added, not overlapped: an upper bound.
     */
    static double gbSeconds(double cpuMs, int memoryMb, long storeRequests, int inFlight, double roundTripMs) {
        double cpuShare = Math.min(1.0, memoryMb / 1769.0);
        double waves = Math.ceil((double) storeRequests / Math.max(1, inFlight));
        double billedMs = Math.ceil(cpuMs / cpuShare + waves * roundTripMs);
        return billedMs / 1000.0 * memoryMb / 1024.0;
    }

    /** Seconds to make {@code calls} calls at {@code perSecond} a second, one after the other. */
    static double secondsAtRate(long calls, double perSecond) {
        return calls / perSecond;
    }
}
