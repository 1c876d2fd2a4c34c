//===- NasTypes.td - Types of the nas dialect --------------*- tablegen -*-===//
#ifndef NAS_TYPES
#define NAS_TYPES

include "mlir/IR/AttrTypeBase.td"
include "nas/NasDialect.td"

class Nas_Type<string name, string typeMnemonic> : TypeDef<Nas_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def Nas_TensorType : Nas_Type<"Tensor", "tensor"> {
  let summary = "a feature map";
  let description = [{
    A feature map flowing between layers. Its shape is not part of the type:
    it may differ between alternatives of a decision, so shape inference
    records it per architecture family as `shape` attributes.
  }];
}

def Nas_TensorListType : Nas_Type<"TensorList", "tensors"> {
  let summary = "the feature maps an input choice picked";
  let description = [{
    The value of `nas.pick` and `nas.subset`: a number of feature maps known
    once the decision is fixed. `nas.sum` and `nas.concat` flatten it.
  }];
}

def Nas_LayerType : Nas_Type<"Layer", "layer"> {
  let summary = "a layer not yet applied";
  let description = [{
    An operation with its parameters (`nas.layer`), a template instance
    (`nas.instance`), a repetition (`nas.repeat`) or a choice among layers.
    `nas.apply` applies it to feature maps.
  }];
}

def Nas_StringType : Nas_Type<"String", "string"> {
  let summary = "a string value (a device name, a file)";
}

def Nas_ConfigType : Nas_Type<"Config", "config"> {
  let summary = "a configured runtime component: strategy, estimator, dataset or optimizer";
}

def Nas_AnyTensor : AnyTypeOf<[Nas_TensorType, Nas_TensorListType]>;

#endif // NAS_TYPES
