"""The OpenAPI 3.1 description of cyberkind's HTTP API, served at ``/openapi.json``.

Written by hand, next to the code it describes; a test validates it with
``openapi-spec-validator`` and checks that every route of the app appears in it.
"""

from __future__ import annotations

from typing import Any

from .perspective import ATTRIBUTES, KNOWN_ATTRIBUTES, MAX_TEXT_BYTES

__all__ = ["openapi_spec"]

_SCORE = {
    "type": "object",
    "properties": {
        "value": {"type": "number", "minimum": 0, "maximum": 1},
        "type": {"type": "string", "enum": ["PROBABILITY"]},
    },
    "required": ["value", "type"],
}

_GOOGLE_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "status": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "@type": {"type": "string"},
                            "errorType": {
                                "type": "string",
                                "enum": [
                                    "INVALID_REQUEST",
                                    "COMMENT_EMPTY",
                                    "COMMENT_TOO_LONG",
                                    "ATTRIBUTE_NOT_SUPPORTED",
                                    "SCORE_TYPE_NOT_SUPPORTED",
                                    "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
                                    "INTERNAL",
                                ],
                            },
                        },
                    },
                },
            },
            "required": ["code", "message", "status"],
        }
    },
    "required": ["error"],
}


def openapi_spec() -> dict[str, Any]:
    """The OpenAPI document (a fresh dict each call): the API, and the web app's routes."""
    from .openapi_pages import page_paths, page_schemas

    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "cyberkind",
            "version": "1",
            "description": "Perspective-compatible comment analysis and the cyberkind guard, "
            "served locally. See docs/api.md.",
        },
        "servers": [{"url": "http://127.0.0.1:8000"}],
        "paths": {
            "/v1alpha1/comments:analyze": {
                "post": {
                    "operationId": "analyzeComment",
                    "summary": "Perspective-compatible scores for a comment",
                    "description": "Same request and response shape as Perspective's "
                    "comments:analyze. The `key` query parameter is accepted and ignored.",
                    "parameters": [
                        {
                            "name": "key",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "description": "Perspective API key: accepted, ignored.",
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/AnalyzeCommentRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Scores",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": "#/components/schemas/AnalyzeCommentResponse"
                                    }
                                }
                            },
                        },
                        "400": {
                            "description": "Bad request, in Google's error format",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/GoogleError"}
                                }
                            },
                        },
                        "413": {
                            "description": "Request body too large",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/GoogleError"}
                                }
                            },
                        },
                    },
                }
            },
            "/$discovery/rest": {
                "get": {
                    "operationId": "perspectiveDiscovery",
                    "summary": "Google's discovery document for the Perspective API",
                    "description": "For clients built from it, e.g. googleapiclient.discovery."
                    "build('commentanalyzer', 'v1alpha1', discoveryServiceUrl=...). Its rootUrl "
                    "is this server, as the request reached it.",
                    "parameters": [
                        {
                            "name": "version",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["v1alpha1"]},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The discovery document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "404": {
                            "description": "Another version, in Google's error format",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/GoogleError"}
                                }
                            },
                        },
                    },
                }
            },
            "/v1/check": {
                "post": {
                    "operationId": "checkDraft",
                    "summary": "The guard's verdict for a draft",
                    "description": "The same verdict as `cyberkind check --json`: ok, "
                    "reconsider or hold, the reasons with their character spans, whether the "
                    "draft attacks a person or an idea, and a kinder rewrite.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CheckRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The verdict",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Verdict"}
                                }
                            },
                        },
                        "400": {
                            "description": "Bad input (empty or over-long text, bad policy)",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                        "413": {
                            "description": "Request body over 1 MB",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "The OpenAPI document"}},
                }
            },
            "/": {
                "get": {
                    "operationId": "index",
                    "summary": "What this server offers",
                    "responses": {"200": {"description": "Endpoints and the model tier"}},
                }
            },
        },
        "components": {
            "schemas": {
                "AnalyzeCommentRequest": {
                    "type": "object",
                    "required": ["comment", "requestedAttributes"],
                    "properties": {
                        "comment": {
                            "type": "object",
                            "required": ["text"],
                            "properties": {
                                "text": {
                                    "type": "string",
                                    "description": f"At most {MAX_TEXT_BYTES} bytes of UTF-8.",
                                },
                                "type": {"type": "string", "enum": ["PLAIN_TEXT", "HTML"]},
                            },
                        },
                        "requestedAttributes": {
                            "type": "object",
                            "description": "Scored: "
                            + ", ".join(ATTRIBUTES)
                            + ". Perspective's other attributes are left out of the answer "
                            "(or refused, by the perspective_unscorable setting).",
                            "propertyNames": {"enum": list(KNOWN_ATTRIBUTES)},
                            "additionalProperties": {
                                "type": "object",
                                "properties": {
                                    "scoreType": {"type": "string", "enum": ["PROBABILITY"]},
                                    "scoreThreshold": {
                                        "type": "number",
                                        "minimum": 0,
                                        "maximum": 1,
                                    },
                                },
                            },
                        },
                        "spanAnnotations": {"type": "boolean"},
                        "languages": {"type": "array", "items": {"type": "string"}},
                        "doNotStore": {
                            "type": "boolean",
                            "description": "Accepted; cyberkind never stores analysed text.",
                        },
                        "clientToken": {"type": "string"},
                        "dropUnsupportedAttributes": {"type": "boolean"},
                    },
                },
                "AnalyzeCommentResponse": {
                    "type": "object",
                    "properties": {
                        "attributeScores": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "object",
                                "properties": {
                                    "summaryScore": _SCORE,
                                    "spanScores": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "begin": {"type": "integer"},
                                                "end": {"type": "integer"},
                                                "score": _SCORE,
                                            },
                                        },
                                    },
                                },
                            },
                        },
                        "languages": {"type": "array", "items": {"type": "string"}},
                        "detectedLanguages": {"type": "array", "items": {"type": "string"}},
                        "clientToken": {"type": "string"},
                    },
                },
                "GoogleError": _GOOGLE_ERROR,
                "CheckRequest": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "description": "The draft to check."},
                        "reply_to": {
                            "type": ["string", "null"],
                            "description": "The message the draft answers.",
                        },
                        "policy": {
                            "type": ["string", "null"],
                            "description": "A team policy, as the text of its TOML file.",
                        },
                    },
                },
                "Verdict": {
                    "type": "object",
                    "properties": {
                        "ok": {"type": "boolean"},
                        "text": {"type": "string"},
                        "verdict": {"type": "string", "enum": ["ok", "reconsider", "hold"]},
                        "target": {
                            "type": "string",
                            "enum": ["person", "idea", "group", "none"],
                        },
                        "reasons": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "label": {"type": "string"},
                                    "level": {"type": "string"},
                                    "score": {"type": "number"},
                                    "threshold": {"type": "number"},
                                    "message": {"type": "string"},
                                    "spans": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "start": {"type": "integer"},
                                                "end": {"type": "integer"},
                                                "label": {"type": "string"},
                                                "score": {"type": "number"},
                                                "text": {"type": "string"},
                                            },
                                        },
                                    },
                                },
                            },
                        },
                        "rewrite": {"type": ["string", "null"]},
                        "rewrite_note": {"type": "string"},
                        "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["ok", "error", "errors", "status"],
                    "properties": {
                        "ok": {"const": False},
                        "error": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "string"}},
                        "status": {"type": "integer"},
                    },
                },
            }
        },
    }
    spec["paths"].update(page_paths())
    spec["components"]["schemas"].update(page_schemas())
    return spec
