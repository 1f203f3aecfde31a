package io.meridian.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {
  @Test
  void producesAndConsumesThenStopsCleanly() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try (kafka) {
      String bs = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bs))) {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bs, "acks", "all",
          "enable.idempotence", "true"), new StringSerializer(), new StringSerializer())) {
        p.send(new ProducerRecord<>("t", "k", "hello")).get(30, TimeUnit.SECONDS);
      }
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bs),
          new StringDeserializer(), new StringDeserializer())) {
        TopicPartition tp = new TopicPartition("t", 0);
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        ConsumerRecords<String, String> recs = ConsumerRecords.empty();
        long deadline = System.currentTimeMillis() + 30_000;
        while (recs.isEmpty() && System.currentTimeMillis() < deadline) {
          recs = c.poll(java.time.Duration.ofMillis(500));
        }
        assertEquals("hello", recs.iterator().next().value());
      }
      assertTrue(kafka.isRunning());
    }
    assertFalse(kafka.isRunning());
    assertFalse(java.nio.file.Files.exists(kafka.logDir()));
  }
}
