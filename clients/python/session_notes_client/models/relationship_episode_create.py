from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.response_in import ResponseIn
    from ..models.wish_in import WishIn


T = TypeVar("T", bound="RelationshipEpisodeCreate")


@_attrs_define
class RelationshipEpisodeCreate:
    """A relationship episode the client told: with whom, and its three CCRT components.

    Example:
        {'other_person': 'mother', 'wish': {'code': 'to_be_close', 'text': 'Wanted her to ask how the exam went.'},
            'response_of_other': {'code': 'rejects', 'text': 'She talked about her own day.', 'valence': 'negative'},
            'response_of_self': {'code': 'withdraws', 'text': 'Went to his room and said nothing.', 'valence': 'negative'}}

    Attributes:
        other_person (str): Who the episode is with; encrypted at rest.
        wish (WishIn): The wish, need or intention the client expresses toward the other.
        response_of_other (ResponseIn): A response (of the other, or of the self), positive or negative.
        response_of_self (ResponseIn): A response (of the other, or of the self), positive or negative.
    """

    other_person: str
    wish: WishIn
    response_of_other: ResponseIn
    response_of_self: ResponseIn

    def to_dict(self) -> dict[str, Any]:
        other_person = self.other_person

        wish = self.wish.to_dict()

        response_of_other = self.response_of_other.to_dict()

        response_of_self = self.response_of_self.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "other_person": other_person,
                "wish": wish,
                "response_of_other": response_of_other,
                "response_of_self": response_of_self,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.response_in import ResponseIn  # noqa: PLC0415
        from ..models.wish_in import WishIn  # noqa: PLC0415

        d = dict(src_dict)
        other_person = d.pop("other_person")

        wish = WishIn.from_dict(d.pop("wish"))

        response_of_other = ResponseIn.from_dict(d.pop("response_of_other"))

        response_of_self = ResponseIn.from_dict(d.pop("response_of_self"))

        relationship_episode_create = cls(
            other_person=other_person,
            wish=wish,
            response_of_other=response_of_other,
            response_of_self=response_of_self,
        )

        return relationship_episode_create
