//===- NasAttrs.td - Attributes of the nas dialect ---------*- tablegen -*-===//
#ifndef NAS_ATTRS
#define NAS_ATTRS

include "mlir/IR/EnumAttr.td"
include "nas/NasDialect.td"

def Nas_TemplateKind : I32EnumAttr<"TemplateKind", "what a template builds", [
    I32EnumAttrCase<"cell", 0>, I32EnumAttrCase<"block", 1>, I32EnumAttrCase<"network", 2>]> {
  let cppNamespace = "::mlir::nas";
}

def Nas_Sharing : I32EnumAttr<"Sharing", "who owns a template instance's decisions", [
    I32EnumAttrCase<"root", 0>, I32EnumAttrCase<"shared", 1>, I32EnumAttrCase<"independent", 2>]> {
  let cppNamespace = "::mlir::nas";
}

def Nas_Direction : I32EnumAttr<"Direction", "the sense of an objective", [
    I32EnumAttrCase<"maximize", 0>, I32EnumAttrCase<"minimize", 1>]> {
  let cppNamespace = "::mlir::nas";
}

def Nas_ExternKind : I32EnumAttr<"ExternKind", "the kind of a runtime component", [
    I32EnumAttrCase<"strategy", 0>, I32EnumAttrCase<"estimator", 1>,
    I32EnumAttrCase<"dataset", 2>, I32EnumAttrCase<"optimizer", 3>]> {
  let cppNamespace = "::mlir::nas";
}

#endif // NAS_ATTRS
