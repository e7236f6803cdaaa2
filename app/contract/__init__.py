"""The OpenAPI contract: operation ids, headers, component names and document metadata.

FastAPI generates the document from the routes; these modules add what a generated client,
a linter or an integrator needs and FastAPI cannot infer (SPEC §4, OpenAPI contract).
"""
