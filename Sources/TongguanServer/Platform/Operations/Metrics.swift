import CoreMetrics
import Fluent
import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// Prometheus metrics. Vapor itself counts requests and times them by route and status
/// through swift-metrics; this bootstraps the backend once per process (the metrics system
/// is global) and adds the database figures.
enum TongguanMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Transactions holding the write turn now; a lasting high value means writers queue.
    static let writesInFlight = registry.makeGauge(
        descriptor: MetricNameDescriptor(
            namespace: "tongguan", subsystem: "db", metricName: "write_transactions", unitName: "in_flight",
            helpText: "Write transactions currently open"))
    static let writeWait = registry.makeDurationHistogram(
        descriptor: MetricNameDescriptor(
            namespace: "tongguan", subsystem: "db", metricName: "write_lock_wait", unitName: "seconds",
            helpText: "Time spent waiting for the write turn (audit chain head)"),
        buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10)])

    static func bootstrap() { _ = registry }

    /// The text exposition, with pool size and a live round trip measured per scrape.
    static func render(for app: Application, database: any Database) async -> String {
        let start = ContinuousClock.now
        var up = 1.0
        do { _ = try await database.sql.raw("SELECT 1 AS one").first() } catch { up = 0 }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let kind = database.sql.isSQLite ? "sqlite" : "postgresql"
        let loops = app.eventLoopGroup.makeIterator().reduce(0) { n, _ in n + 1 }
        let perLoop = kind == "sqlite" ? 1 : app.tongguan.settings.poolSize
        var text = registry.emitToString()
        text += """
            # HELP tongguan_db_up 1 when the database answered the scrape's round trip
            # TYPE tongguan_db_up gauge
            tongguan_db_up{database="\(kind)"} \(up)
            # HELP tongguan_db_ping_seconds Round trip of SELECT 1 during this scrape
            # TYPE tongguan_db_ping_seconds gauge
            tongguan_db_ping_seconds{database="\(kind)"} \(seconds)
            # HELP tongguan_db_pool_max_connections Connections the pool may open (per event loop x event loops)
            # TYPE tongguan_db_pool_max_connections gauge
            tongguan_db_pool_max_connections{database="\(kind)"} \(perLoop * loops)
            # HELP tongguan_db_pool_event_loops Event loops, each with its own connection pool
            # TYPE tongguan_db_pool_event_loops gauge
            tongguan_db_pool_event_loops{database="\(kind)"} \(loops)

            """
        return text
    }
}
