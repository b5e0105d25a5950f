"""The one place that touches Dagster's internal/preview APIs: pinning the workflow
snapshot a code location was built from into reconstruction metadata, so run workers that
re-import the code location rebuild exactly the graphs the run was launched against, even if the
store changed in between; and the tags in which a materialization records its data provenance
(code version, data version, input data versions), which dagster_versions.py reads and writes.
An upgrade of Dagster that moves these APIs touches this file only (and code_server.py, which
runs Dagster's code-server proxy)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dagster as dg
from dagster._core.definitions.definitions_load_context import (
    DefinitionsLoadContext,
    DefinitionsLoadType,
)


def pinned_snapshot(key: str, load: Callable[[], str]) -> str:
    """The snapshot stored for this code location load, or a fresh one (then recorded)."""
    context = DefinitionsLoadContext.get()
    if context.load_type == DefinitionsLoadType.RECONSTRUCTION:
        stored = context.reconstruction_metadata.get(key)
        if isinstance(stored, str):
            return stored
    snapshot = load()
    context.add_to_pending_reconstruction_metadata(key, snapshot)
    return snapshot


def loading_for_a_run() -> bool:
    """True while a run worker re-imports the code location (a reconstruction load)."""
    return DefinitionsLoadContext.get().load_type == DefinitionsLoadType.RECONSTRUCTION


@dataclass(frozen=True)
class Provenance:
    """What a materialization's tags say it was made from, as Dagster's staleness reads them."""

    code_version: str | None
    data_version: str | None
    input_data_versions: Mapping[dg.AssetKey, str]
    user_provided: bool  # the data version came with the output, not computed by Dagster


def provenance_of(tags: Mapping[str, str] | None) -> Provenance:
    from dagster._core.definitions.data_version import DATA_VERSION_TAG, DataProvenance

    tags = tags or {}
    found = DataProvenance.from_tags(tags)
    return Provenance(
        code_version=found.code_version if found else None,
        data_version=tags.get(DATA_VERSION_TAG),
        input_data_versions=(
            {key: version.value for key, version in found.input_data_versions.items()}
            if found
            else {}
        ),
        user_provided=bool(found and found.is_user_provided),
    )


def provenance_tags(
    code_version: str,
    data_version: str,
    inputs: Mapping[dg.AssetKey, tuple[str, int | None]],
    user_provided: bool,
) -> dict[str, str]:
    """The tags a run's materialization carries (dagster 1.13 execute_step.py) for this code
    version, data version and inputs (asset key -> (data version, its event's storage id))."""
    from dagster._core.definitions.data_version import (
        CODE_VERSION_TAG,
        DATA_VERSION_IS_USER_PROVIDED_TAG,
        DATA_VERSION_TAG,
        NULL_EVENT_POINTER,
        get_input_data_version_tag,
        get_input_event_pointer_tag,
    )

    tags = {CODE_VERSION_TAG: code_version, DATA_VERSION_TAG: data_version}
    for key, (version, storage_id) in inputs.items():
        tags[get_input_data_version_tag(key)] = version
        tags[get_input_event_pointer_tag(key)] = (
            str(storage_id) if storage_id else NULL_EVENT_POINTER
        )
    if user_provided:
        tags[DATA_VERSION_IS_USER_PROVIDED_TAG] = "true"
    return tags


def logical_data_version(code_version: str, inputs: Mapping[dg.AssetKey, str]) -> str:
    """The data version Dagster gives an output that brings none of its own."""
    from dagster._core.definitions.data_version import compute_logical_data_version

    versions = {key: dg.DataVersion(version) for key, version in inputs.items()}
    return compute_logical_data_version(code_version, versions).value


def with_snapshot(defs: dg.Definitions, key: str, snapshot: str) -> dg.Definitions:
    # Both calls are needed: with only this one, a run worker that re-imported the code location
    # found the metadata mapping empty (seen on Dagster 1.13).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # known and pinned: see module doc
        return defs.with_reconstruction_metadata({key: snapshot})


def fork_executor(max_concurrent: int) -> dg.ExecutorDefinition:
    """Dagster's multiprocess executor with the `fork` start method, which its config schema does
    not offer (spawn and forkserver only). Run in the engine's warm worker, a forked step starts
    with dagster, pandas, scikit-learn, the node library and the built job already in memory:
    tens of milliseconds instead of the ~3 s a spawned step spends importing and rebuilding."""
    from dagster._core.definitions.executor_definition import (
        multiple_process_executor_requirements,
    )
    from dagster._core.execution.retries import RetryMode
    from dagster._core.executor.multiprocess import MultiprocessExecutor

    @dg.executor(name="canvas_fork", requirements=multiple_process_executor_requirements())
    def _fork(_context: dg.InitExecutorContext) -> MultiprocessExecutor:
        return MultiprocessExecutor(
            retries=RetryMode.DISABLED, max_concurrent=max_concurrent, start_method="fork"
        )

    return _fork


def recon_job_of(run: dg.DagsterRun) -> Any:
    """The ReconstructableJob a run was created for (its code origin)."""
    from dagster._utils.hosted_user_process import recon_job_from_origin

    assert run.job_code_origin is not None, f"run {run.run_id} has no code origin"
    return recon_job_from_origin(run.job_code_origin)


def execute_existing_run(run: dg.DagsterRun, instance: dg.DagsterInstance) -> bool:
    """Execute a run recorded in the instance (NOT_STARTED or STARTING) as Dagster's own run
    worker (`dagster api execute_run`) does, whoever created it: the API, the Dagster UI or a
    schedule. A job that cannot load, or a framework error, fails the run with the error in its
    log. Returns whether the run succeeded."""
    from dagster._grpc.impl import core_execute_run

    for _ in core_execute_run(recon_job_of(run), run, instance, inject_env_vars=False):
        pass
    done = instance.get_run_by_id(run.run_id)
    return done is not None and done.status == dg.DagsterRunStatus.SUCCESS


def reconstructable_job(
    module: str, function: str, kwargs: dict[str, object], job_name: str
) -> dg.ReconstructableJob:
    """What `dg.build_reconstructable_job` returns, without calling the function once to learn
    the job's name: the caller has built the job already (with its own services, which may not
    be the environment's)."""
    import os

    from dagster._core.code_pointer import CustomPointer, ModuleCodePointer
    from dagster._core.definitions.reconstruct import (
        ReconstructableJob,
        ReconstructableRepository,
    )

    pointer = CustomPointer(
        ModuleCodePointer(module, function, working_directory=os.getcwd()),
        [],
        [[key, value] for key, value in kwargs.items()],
    )
    return ReconstructableJob(repository=ReconstructableRepository(pointer), job_name=job_name)


def is_valid_cron_string(cron: str) -> bool:
    """Dagster's own cron check, so a schedule we accept is one its scheduler accepts."""
    from dagster._utils.schedules import is_valid_cron_string as check

    return bool(check(cron))


def get_next_cron_tick(cron: str, after: datetime, timezone: str) -> datetime:
    """The scheduler's next tick after `after`, computed the way Dagster's scheduler does."""
    from dagster._utils.schedules import get_next_cron_tick as next_tick

    return next_tick(cron, after, timezone)
