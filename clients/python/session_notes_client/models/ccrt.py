from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.component_count import ComponentCount
    from ..models.response_count import ResponseCount


T = TypeVar("T", bound="Ccrt")


@_attrs_define
class Ccrt:
    """The CCRT components of a phase's relationship episodes, most frequent first.

    Attributes:
        relationship_episodes (int):
        wish (list[ComponentCount]):
        response_of_other (list[ResponseCount]):
        response_of_self (list[ResponseCount]):
    """

    relationship_episodes: int
    wish: list[ComponentCount]
    response_of_other: list[ResponseCount]
    response_of_self: list[ResponseCount]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        relationship_episodes = self.relationship_episodes

        wish = []
        for wish_item_data in self.wish:
            wish_item = wish_item_data.to_dict()
            wish.append(wish_item)

        response_of_other = []
        for response_of_other_item_data in self.response_of_other:
            response_of_other_item = response_of_other_item_data.to_dict()
            response_of_other.append(response_of_other_item)

        response_of_self = []
        for response_of_self_item_data in self.response_of_self:
            response_of_self_item = response_of_self_item_data.to_dict()
            response_of_self.append(response_of_self_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "relationship_episodes": relationship_episodes,
                "wish": wish,
                "response_of_other": response_of_other,
                "response_of_self": response_of_self,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.component_count import ComponentCount  # noqa: PLC0415
        from ..models.response_count import ResponseCount  # noqa: PLC0415

        d = dict(src_dict)
        relationship_episodes = d.pop("relationship_episodes")

        wish = []
        _wish = d.pop("wish")
        for wish_item_data in _wish:
            wish_item = ComponentCount.from_dict(wish_item_data)

            wish.append(wish_item)

        response_of_other = []
        _response_of_other = d.pop("response_of_other")
        for response_of_other_item_data in _response_of_other:
            response_of_other_item = ResponseCount.from_dict(response_of_other_item_data)

            response_of_other.append(response_of_other_item)

        response_of_self = []
        _response_of_self = d.pop("response_of_self")
        for response_of_self_item_data in _response_of_self:
            response_of_self_item = ResponseCount.from_dict(response_of_self_item_data)

            response_of_self.append(response_of_self_item)

        ccrt = cls(
            relationship_episodes=relationship_episodes,
            wish=wish,
            response_of_other=response_of_other,
            response_of_self=response_of_self,
        )

        ccrt.additional_properties = d
        return ccrt

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
