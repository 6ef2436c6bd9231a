"""Identifiers a request names that no column can hold match nothing, in every lookup.

Django already gives `pk=2**63` an empty answer (IntegerFieldOverflow) but passes
`pk__in=[2**63]` to the database, where SQLite's driver refuses it with OverflowError: a form
offering choices by id (taxonomies, thematic areas) or an admin page reading ids from its
address answered 500 to such a value. Here `__in` leaves out the values the column's range
excludes, on every database, so that a form says "not one of the choices" as for any other
unknown id.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
