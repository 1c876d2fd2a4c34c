//===- TableEstimatorTest.cpp - The NAS-Bench-201 table -------------------===//
#include "TestSupport.h"
#include "nasc/runtime/Artefact.h"
#include "nasc/search/TableEstimator.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace nasc::runtime;
using namespace nasc::search;


namespace {

struct Nb201 {
  const Artefact &art = nasc_test::compiled(nasc_test::sourceDir() + "/examples/nb201_evolution.nas");
  const Json &search = art.searches().at(0);
  Space space{art.space("NB201Evolution.space"), &search};
};

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::exception &e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TableEstimator, RealNb201Table) {
  Nb201 nb;
  // From the search's own setting, its path relative to the project root.
  std::unique_ptr<TableEstimator> t =
      TableEstimator::fromSetting(nb.space, nb.search["settings"]["estimator"], nasc_test::sourceDir());
  ASSERT_EQ(t->rows().size(), 15625u);
  const TableEstimator::Row *best = &t->rows()[0];
  for (const auto &r : t->rows())
    if (r.value > best->value)
      best = &r;
  EXPECT_DOUBLE_EQ(best->value, 91.6067);
  EXPECT_DOUBLE_EQ(best->report, 94.3733);
  // Row 0 is the cell of test/Driver/arch.test: same ID, hash and size as the compiler's.
  const TableEstimator::Row &r0 = t->rows()[0];
  EXPECT_EQ(r0.id, "nb201_cell/e0_1=avg_pool_3x3,nb201_cell/e0_2=nor_conv_1x1,nb201_cell/e0_3=nor_conv_1x1,"
                   "nb201_cell/e1_2=skip_connect,nb201_cell/e1_3=skip_connect,nb201_cell/e2_3=skip_connect");
  EXPECT_EQ(Space::hash(r0.id), "e3ca265ca493a031");
  Architecture a = nb.space.parseId(r0.id);
  Evaluation e = t->evaluate(a, {});
  EXPECT_TRUE(e.error.empty()) << e.error;
  EXPECT_DOUBLE_EQ(e.metrics.at("accuracy"), 81.9827);
  EXPECT_DOUBLE_EQ(e.report.at("accuracy"), 85.8633);
  EXPECT_DOUBLE_EQ(e.metrics.at("params"), 129306.0); // nasc info --arch says 129306 too
  // Latency from nb201_latency_ms.csv next to the table.
  EXPECT_DOUBLE_EQ(t->metric("latency", Json{{"device", "pixel3"}}, e), 3.60585);
  EXPECT_DOUBLE_EQ(t->metric("latency", Json{{"device", "titan_rtx_256"}}, e), 10.6519);
  EXPECT_DOUBLE_EQ(t->metric("accuracy", Json::object(), e), 81.9827);
  EXPECT_NE(errorOf([&] { t->metric("latency", Json{{"device", "pixel9"}}, e); }).find("it has fpga"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { t->metric("loss", Json::object(), e); }).find("does not measure 'loss'"),
            std::string::npos);
  // Every architecture of the space is in the table.
  for (size_t i = 0; i < 15625; i += 97) {
    Architecture x = nb.space.parseId(t->rows()[i].id);
    ASSERT_EQ(t->find(x), &t->rows()[i]);
  }
}

TEST(TableEstimator, Errors) {
  Nb201 nb;
  std::string table = nasc_test::nb201Table();
  EXPECT_NE(errorOf([&] { TableEstimator(nb.space, "/nonexistent/t.csv", "acc"); }).find("/nonexistent/t.csv: cannot open"),
            std::string::npos);
  std::string missing = errorOf([&] { TableEstimator(nb.space, table, "cifar100_acc"); });
  EXPECT_NE(missing.find("no column 'cifar100_acc' (the columns are index, arch, params_mb"), std::string::npos)
      << missing;
  std::string bad = nasc_test::writeFile(
      "bad.csv", "arch,acc\n"
                 "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,80\n"
                 "|avg_pool_3x3~0|+|sepconv~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,81\n");
  std::string msg = errorOf([&] { TableEstimator(nb.space, bad, "acc"); });
  EXPECT_NE(msg.find("bad.csv:3: decision 'nb201_cell/e0_2' has no alternative 'sepconv'"), std::string::npos) << msg;
  std::string notNumber = nasc_test::writeFile(
      "nan.csv", "arch,acc\n"
                 "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,x\n");
  EXPECT_NE(errorOf([&] { TableEstimator(nb.space, notNumber, "acc"); }).find("nan.csv:2: column 'acc' is 'x'"),
            std::string::npos);
  std::string garbled = nasc_test::writeFile("garbled.csv", "arch,acc\nnot-an-arch,1\n");
  EXPECT_NE(errorOf([&] { TableEstimator(nb.space, garbled, "acc"); }).find("garbled.csv:2: 'not-an-arch' is not"),
            std::string::npos);
  // An architecture the table does not have: an evaluation error, the search goes on.
  std::string one = nasc_test::writeFile(
      "one.csv", "arch,acc\n"
                 "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,80\n");
  TableEstimator t(nb.space, one, "acc");
  Architecture other = nb.space.parseId("nb201_cell/e0_1=none,nb201_cell/e0_2=none,nb201_cell/e0_3=none,"
                                        "nb201_cell/e1_2=none,nb201_cell/e1_3=none,nb201_cell/e2_3=none");
  Evaluation e = t.evaluate(other, {});
  EXPECT_NE(e.error.find("is not in"), std::string::npos) << e.error;
  EXPECT_TRUE(t.devices().empty());
}

} // namespace
