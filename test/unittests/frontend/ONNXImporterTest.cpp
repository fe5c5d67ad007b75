//===- ONNXImporterTest.cpp - unit tests of the ONNX importer's helpers ---===//

#include "frontend/onnx/GraphImporter.h"

#include "dialects/InitAllDialects.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::onnx_import;

namespace {

/// A context with our dialects, collecting diagnostics instead of printing.
struct ImporterTest : public ::testing::Test {
  ImporterTest() : handler(&context, [this](Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return success();
  }) {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  ~ImporterTest() override {
    if (!folder.empty())
      llvm::sys::fs::remove_directories(folder);
  }

  /// Writes `model` to a fresh temporary folder and returns the file path.
  std::string save(const onnx::ModelProto &model) {
    SmallString<128> dir;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("llm-importer-test", dir));
    folder = dir.str().str();
    std::string path = folder + "/model.onnx";
    std::ofstream out(path, std::ios::binary);
    model.SerializeToOstream(&out);
    return path;
  }

  MLIRContext context;
  ScopedDiagnosticHandler handler;
  std::string diagnostics;
  std::string folder;
};

/// A model computing `y = Relu(x)` over [batch, 4] floats.
onnx::ModelProto reluModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  onnx::GraphProto *graph = model.mutable_graph();
  auto addValue = [](onnx::ValueInfoProto *info, const char *name) {
    info->set_name(name);
    auto *tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    tensor->mutable_shape()->add_dim()->set_dim_param("batch");
    tensor->mutable_shape()->add_dim()->set_dim_value(4);
  };
  addValue(graph->add_input(), "x");
  addValue(graph->add_output(), "y");
  onnx::NodeProto *node = graph->add_node();
  node->set_op_type("Relu");
  node->set_name("relu");
  node->add_input("x");
  node->add_output("y");
  return model;
}

TEST(ElementTypeTest, ConvertsEveryTensorType) {
  MLIRContext ctx;
  EXPECT_TRUE(convertElementType(&ctx, onnx::TensorProto::FLOAT).isF32());
  EXPECT_TRUE(convertElementType(&ctx, onnx::TensorProto::FLOAT16).isF16());
  EXPECT_TRUE(convertElementType(&ctx, onnx::TensorProto::BFLOAT16).isBF16());
  EXPECT_TRUE(convertElementType(&ctx, onnx::TensorProto::BOOL).isInteger(1));
  EXPECT_TRUE(convertElementType(&ctx, onnx::TensorProto::INT64).isSignlessInteger(64));
  EXPECT_TRUE(convertElementType(&ctx, onnx::TensorProto::UINT8).isUnsignedInteger(8));
  EXPECT_TRUE(convertElementType(&ctx, 22 /*INT4*/).isSignlessInteger(4));
  EXPECT_TRUE(convertElementType(&ctx, 21 /*UINT4*/).isUnsignedInteger(4));
  EXPECT_FALSE(convertElementType(&ctx, onnx::TensorProto::STRING));
  EXPECT_EQ(elementTypeName(22), "INT4");
  EXPECT_EQ(elementTypeName(onnx::TensorProto::FLOAT), "FLOAT");
}

TEST_F(ImporterTest, ReadsRawAndTypedTensorsAlike) {
  onnx::ModelProto model = reluModel();
  ONNXImportOptions options;
  GraphImporter importer(&context, "m.onnx", model, options);
  onnx::TensorProto typed;
  typed.set_name("typed");
  typed.set_data_type(onnx::TensorProto::FLOAT);
  typed.add_dims(3);
  for (float v : {1.5f, -2.0f, 3.25f})
    typed.add_float_data(v);
  onnx::TensorProto raw = typed;
  raw.clear_float_data();
  float values[] = {1.5f, -2.0f, 3.25f};
  raw.set_raw_data(std::string(reinterpret_cast<char *>(values), sizeof(values)));
  auto a = importer.convertTensor(typed, UnknownLoc::get(&context));
  auto b = importer.convertTensor(raw, UnknownLoc::get(&context));
  ASSERT_TRUE(succeeded(a) && succeeded(b));
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(cast<DenseElementsAttr>(*a).getValues<float>()[2], 3.25f);
}

TEST_F(ImporterTest, UnpacksSignedInt4LowNibbleFirst) {
  onnx::ModelProto model = reluModel();
  GraphImporter importer(&context, "m.onnx", model, ONNXImportOptions{});
  onnx::TensorProto t;
  t.set_data_type(22); // INT4
  t.add_dims(3);
  // 0x9 | 0x7 << 4 -> -7, 7; then 0x1 (high nibble is padding).
  t.set_raw_data(std::string("\x79\x01", 2));
  auto attr = importer.convertTensor(t, UnknownLoc::get(&context));
  ASSERT_TRUE(succeeded(attr));
  SmallVector<int64_t> got;
  for (const APInt &v : cast<DenseElementsAttr>(*attr).getValues<APInt>())
    got.push_back(v.getSExtValue());
  EXPECT_EQ(got, (SmallVector<int64_t>{-7, 7, 1}));
}

TEST_F(ImporterTest, LargeInitializersBecomeResources) {
  onnx::ModelProto model = reluModel();
  ONNXImportOptions options;
  options.denseElementLimit = 4;
  GraphImporter importer(&context, "m.onnx", model, options);
  onnx::TensorProto t;
  t.set_name("w");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(8);
  for (int i = 0; i < 8; ++i)
    t.add_float_data(i);
  auto attr = importer.convertTensor(t, UnknownLoc::get(&context), /*isInitializer=*/true);
  ASSERT_TRUE(succeeded(attr));
  auto resource = dyn_cast<DenseResourceElementsAttr>(*attr);
  ASSERT_TRUE(resource);
  ArrayRef<char> data = resource.getRawHandle().getBlob()->getData();
  ASSERT_EQ(data.size(), 8 * sizeof(float));
  EXPECT_EQ(reinterpret_cast<const float *>(data.data())[5], 5.0f);

  // The same tensor as a Constant node's value is part of the program, not
  // a checkpoint weight: a dense attribute whatever its size.
  auto constant = importer.convertTensor(t, UnknownLoc::get(&context));
  ASSERT_TRUE(succeeded(constant));
  EXPECT_TRUE(isa<DenseElementsAttr>(*constant));
}

TEST_F(ImporterTest, RejectsRawDataOfTheWrongSize) {
  onnx::ModelProto model = reluModel();
  GraphImporter importer(&context, "m.onnx", model, ONNXImportOptions{});
  onnx::TensorProto t;
  t.set_name("short");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(4);
  t.set_raw_data(std::string(12, '\0'));
  EXPECT_TRUE(failed(importer.convertTensor(t, UnknownLoc::get(&context))));
  EXPECT_NE(diagnostics.find("has 12 bytes of raw_data, expected 16"), std::string::npos)
      << diagnostics;
}

TEST_F(ImporterTest, RejectsHugeDimsWithoutAllocating) {
  onnx::ModelProto model = reluModel();
  GraphImporter importer(&context, "m.onnx", model, ONNXImportOptions{});
  onnx::TensorProto t;
  t.set_name("huge");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(int64_t(1) << 40);
  t.add_dims(int64_t(1) << 40);
  EXPECT_TRUE(failed(importer.convertTensor(t, UnknownLoc::get(&context))));
  EXPECT_NE(diagnostics.find("too large"), std::string::npos) << diagnostics;
}

TEST_F(ImporterTest, ReadsExternalDataAndChecksItsBounds) {
  onnx::ModelProto model = reluModel();
  std::string path = save(model);
  std::ofstream(folder + "/weights.bin", std::ios::binary).write("\0\0\0\0\0\0\x80\x3f", 8);
  GraphImporter importer(&context, path, model, ONNXImportOptions{});
  onnx::TensorProto t;
  t.set_name("ext");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(1);
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto *location = t.add_external_data();
  location->set_key("location");
  location->set_value("weights.bin");
  auto *offset = t.add_external_data();
  offset->set_key("offset");
  offset->set_value("4");
  auto attr = importer.convertTensor(t, UnknownLoc::get(&context));
  ASSERT_TRUE(succeeded(attr)) << diagnostics;
  EXPECT_EQ(cast<DenseElementsAttr>(*attr).getValues<float>()[0], 1.0f);

  offset->set_value("6"); // runs past the end of the 8-byte file
  EXPECT_TRUE(failed(importer.convertTensor(t, UnknownLoc::get(&context))));
  EXPECT_NE(diagnostics.find("has 8 bytes"), std::string::npos) << diagnostics;

  location->set_value("../escape.bin");
  EXPECT_TRUE(failed(importer.convertTensor(t, UnknownLoc::get(&context))));
  EXPECT_NE(diagnostics.find("inside the model's folder"), std::string::npos) << diagnostics;
}

TEST_F(ImporterTest, ImportsNodesOutOfOrderAndKeepsDimNames) {
  onnx::ModelProto model = reluModel();
  onnx::GraphProto *graph = model.mutable_graph();
  // y = Relu(Neg(x)), with the Neg node listed after its consumer.
  graph->mutable_node(0)->set_input(0, "negated");
  onnx::NodeProto *neg = graph->add_node();
  neg->set_op_type("Neg");
  neg->add_input("x");
  neg->add_output("negated");
  auto module = importONNXFile(save(model), &context);
  ASSERT_TRUE(succeeded(module)) << diagnostics;
  std::string text;
  llvm::raw_string_ostream os(text);
  (*module)->print(os);
  EXPECT_LT(text.find("llm.neg"), text.find("llm.relu")) << text;
  EXPECT_NE(text.find("llm.dims = [\"batch\", \"\"]"), std::string::npos) << text;
}

TEST_F(ImporterTest, ReportsCyclesWithTheNode) {
  onnx::ModelProto model = reluModel();
  onnx::GraphProto *graph = model.mutable_graph();
  graph->mutable_node(0)->set_input(0, "loop");
  onnx::NodeProto *back = graph->add_node();
  back->set_op_type("Neg");
  back->set_name("back");
  back->add_input("y");
  back->add_output("loop");
  EXPECT_TRUE(failed(importONNXFile(save(model), &context)));
  EXPECT_NE(diagnostics.find("through the cycle relu -> back -> relu"), std::string::npos)
      << diagnostics;
}

TEST_F(ImporterTest, NamesTheNodeOfAnUnsupportedOp) {
  onnx::ModelProto model = reluModel();
  model.mutable_graph()->mutable_node(0)->set_op_type("NoSuchOp");
  EXPECT_TRUE(failed(importONNXFile(save(model), &context)));
  EXPECT_NE(diagnostics.find("node 'relu' (NoSuchOp): op 'NoSuchOp' of domain 'ai.onnx' is not "
                             "supported"),
            std::string::npos)
      << diagnostics;
}

TEST(SupportedOpsTest, TableIsSortedAndCoversContribOps) {
  std::vector<SupportedONNXOp> ops = getSupportedONNXOps();
  ASSERT_FALSE(ops.empty());
  EXPECT_TRUE(std::is_sorted(ops.begin(), ops.end(), [](const auto &a, const auto &b) {
    return std::tie(a.domain, a.opType) < std::tie(b.domain, b.opType);
  }));
  auto has = [&](const char *domain, const char *op) {
    return llvm::any_of(ops, [&](const auto &e) { return e.domain == domain && e.opType == op; });
  };
  EXPECT_TRUE(has("", "Attention"));
  EXPECT_TRUE(has("com.microsoft", "GroupQueryAttention"));
  EXPECT_TRUE(has("com.microsoft", "MatMulNBits"));
}

} // namespace
