package dev.optout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostModelTest {
    private static final CostModel.Prices PRICES = CostModel.Prices.LIST_US_EAST_1;

    @Test
    void aMillionStronglyConsistentReadsOfSmallItemsCostTheReadPrice() {
        CostModel.Usage oneReadEach = new CostModel.Usage(1, 0, 0, 0, 0, 0, 0);

        List<CostModel.Line> lines = CostModel.cost(oneReadEach, 1_000_000, PRICES);

        assertThat(CostModel.total(lines)).isCloseTo(0.125, within(1e-9));
        assertThat(lines.get(0).quantity()).isEqualTo(1_000_000);
    }

    @Test
    void everyPricedItemIsAddedIntoTheTotal() {
        CostModel.Usage usage = new CostModel.Usage(2, 1, 0.1, 0.01, 1.2, 1, 0);

        double total = CostModel.total(CostModel.cost(usage, 1_000_000, PRICES));

        // 2 x 0.125 + 1 x 0.625 + 100,000 x 0.20e-6 + 10,000 GB-s x 0.0000133334 + 1.2 x 0.40 + 1 x 0.50
        assertThat(total).isCloseTo(0.25 + 0.625 + 0.02 + 0.133334 + 0.48 + 0.50, within(1e-6));
    }

    @Test
    void aPriceGivenOnTheCommandLineReplacesItsDefault() {
        CostModel.Prices p = PRICES.with(Map.of("price-rru", 0.25e-6, "price-gb-second", 0.0000166667));

        assertThat(p.readRequestUnit()).isEqualTo(0.25e-6);
        assertThat(p.lambdaGbSecond()).isEqualTo(0.0000166667);
        assertThat(p.writeRequestUnit()).isEqualTo(PRICES.writeRequestUnit());
    }

    @Test
    void anUnknownPriceNameIsRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> PRICES.with(Map.of("price-s3", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("price-rru");
    }

    @Test
    void billedDurationStretchesCpuByTheMemorysVcpuShareAndAddsOneRoundTripPerWaveOfRequests() {
        // 100 ms CPU at 1,769 MB (one full vCPU) + ceil(101 / 8) = 13 waves x 10 ms = 230 ms at 1,769 MB
        double gbs = CostModel.gbSeconds(100, 1769, 101, 8, 10);

        assertThat(gbs).isCloseTo(0.230 * 1769 / 1024.0, within(1e-9));
    }

    @Test
    void belowAFullVcpuTheSameCpuTakesLonger() {
        double half = CostModel.gbSeconds(100, 1769 / 2, 0, 8, 10);

        // 100 ms of CPU at a (884/1769) vCPU share is ~200 ms, billed at 884 MB
        assertThat(half).isCloseTo(Math.ceil(100 / (884 / 1769.0)) / 1000.0 * 884 / 1024.0, within(1e-9));
    }

    @Test
    void aMillionCallsAtOneASecondTakeElevenAndAHalfDays() {
        assertThat(CostModel.secondsAtRate(1_000_000, 1.0) / 86_400).isCloseTo(11.57, within(0.01));
    }
}
