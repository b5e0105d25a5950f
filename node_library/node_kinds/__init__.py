"""The common kinds of node type and what the nodes of each kind share, so that a node file under
node_library/nodes/ declares only what is its own (docs/add-a-node-type.md).

- `transforms`: one `data` table in, one out.
- `models`: a `train` table in, a fitted model out; the estimator built from `algorithm`
  (`boosting` and `mlp` add the boosting libraries' and the PyTorch MLP's params and fitting).
- `features`: transformers fitted on `train` and applied to `apply_to`.
- `scored`: evaluation of a scored frame (the output of Predict); `curves` for ROC and PR.
- `model_data`: evaluation and tuning over a fitted model and a data frame; `tune` for searches.
- `sources`: nodes that read data from outside the graph; `file_source` for files under a data
  root.
- `expression_param`: the `expression` param of the transforms that evaluate one.
"""
